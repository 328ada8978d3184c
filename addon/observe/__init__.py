"""Metrics: what the add-on counts, how processes share the counts, and who may read them.

Bottom up (this face imports nothing, so importing any part never loads prometheus-client
before a process has chosen where its values live; see `processes`):

    metrics.py      the metric names and one recording function each, labels from fixed
                    vocabularies: `clockify_request`, `limiter_waited`, `job_finished`, ...
    backlog.py      `Backlog`: jobs and runs waiting in the database (scrape-time gauges)
    processes.py    multiprocess mode: `use_metrics_dir`, `prepare_metrics_dir`,
                    `mark_process_dead` (gunicorn's hooks in addon/gunicorn_conf.py)
    access.py       `check_bearer`: `ADDON_METRICS_TOKEN`, compared in constant time
    exposition.py   `render_metrics`: one scrape's text (the only module importing the library
                    at its top)
    server.py       `serve_metrics_if_configured`: a scheduler's or worker's own `/metrics` on
                    `ADDON_METRICS_BIND`

The web app's `GET /metrics` is `addon.web.metrics`. Instrumented code imports
`addon.observe.metrics` only; the pure core (`reports/`, `render/`, `einvoice/`) counts nothing.
"""
