"""Scheduled delivery: the database decides what is due, APScheduler only ticks.

spec       ScheduleSpec: a validated schedule (cadence, report, recipients, templates)
manage     save / change / resume a schedule from a spec
content    the email of one run: fetch, build the summary or draft invoices, render
runner     tick(): claim each due run under a unique row, deliver, finish
planning   the order a tick delivers in, and how many of its runs need each key's rows
sharing    SharedRows: one tick's fetched rows, shared by runs of a workspace with equal keys
mailing    the SMTP sender tick needs, its retries, the Message-ID derived from the claim
scheduler  APScheduler 3 wiring: `python -m addon scheduler`, or inside the web app
"""
