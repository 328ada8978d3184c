"""The use cases: the one floor every door (web views, report jobs, the scheduler, the CLI, the
demo) goes through to reach the stages below (store, Clockify client, engine, renderers, mail).

Each use case takes the process's `Runtime` (`addon.runtime`) and the caller's workspace, owns
its transactions, reads "now" from the runtime's clock, and raises the typed errors of
`addon.errors`; it never imports Flask, `addon.web`, `addon.jobs` or `addon.delivery`. Modules,
bottom-up:

    defaults.py       a workspace's add-on settings (SETTINGS_UPDATED) as typed report defaults
    installations.py  lifecycle events, the sidebar's view of its installation, `clockify_for`
    report_spec.py    `ReportRequest`: what the sidebar asks to build, validated (one 422 per
                      bad field) before anything is queued
    schedule_spec.py  `ScheduleSpec`: a schedule as the user defines it, validated; the shared
                      report vocabulary (`ReportKind`, `ReportFilters`)
    reports.py        fetch from Clockify (reconciled) and build a summary or invoice drafts
    previews.py       what a finished report job keeps: the page's preview, the snapshot
    report_jobs.py    queue a report or a test email, poll it, download its files
    marking.py        mark an issued invoice's time entries invoiced in Clockify, retried
    invoices.py       issue a draft (the gap-free number is assigned in `issue_draft`), list,
                      download and mark issued invoices
    schedules.py      save, change, pause, resume, delete schedules; the delivery log, re-send
    emails.py         what one scheduled email says; the "send a test email now" use case
"""
