"""Gunicorn settings for `python -m addon serve` and the Docker image.

The access log format leaves out the query string (`%(U)s` is the path only), because the
sidebar URL carries the user's `auth_token`.

With `ADDON_METRICS_DIR` the workers count into shared files (`addon.observe.processes`): the
master empties the directory before the first worker starts (`on_starting`), and forgets a
worker's live gauges when it exits (`child_exit`), as prometheus-client's multiprocess
documentation asks. Both hooks run in the master, which counts nothing itself.
"""

import multiprocessing
import os
from typing import Any

from addon.observe.processes import mark_process_dead, prepare_metrics_dir, use_metrics_dir
from addon.settings import Settings

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8080")  # a container listens on all interfaces
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(4, multiprocessing.cpu_count() * 2))))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60
graceful_timeout = 30
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server: Any) -> None:
    directory = Settings.from_process_env().metrics_dir
    prepare_metrics_dir(directory)
    use_metrics_dir(directory)  # the workers inherit it


def child_exit(server: Any, worker: Any) -> None:
    mark_process_dead(worker.pid, Settings.from_process_env().metrics_dir)


def worker_exit(server: Any, worker: Any) -> None:
    """A web worker leaving (SIGTERM, a rollout): its report jobs get 10 s, then go back to the
    queue at once, rather than waiting out their lease (`addon.jobs.runner.JobRunner.shutdown`)."""
    runtime = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("addon")
    if runtime is not None:
        runtime.close(grace=10.0)
