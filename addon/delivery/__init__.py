"""Scheduled delivery: the database decides what is due, APScheduler only ticks.

spec       ScheduleSpec: a validated schedule (cadence, report, recipients, templates)
manage     save / change / resume a schedule from a spec
content    the email of one run: fetch, build the summary or draft invoices, render
runner     tick(): claim each due run under a unique row, deliver, finish
scheduler  APScheduler 3 wiring: `python -m addon scheduler`, or inside the web app
"""
