"""A process's own `/metrics` on a separate bind, for schedulers and workers in containers of
their own (`ADDON_METRICS_BIND`).

Where they share a host and `ADDON_METRICS_DIR` with the web app, the web's `/metrics` already
includes them and no bind is needed. Where they do not, nothing else could show their
counters, so each serves them itself: the stdlib's WSGI server in a daemon thread (the sandbox
and the tests serve the same way), one path, the same bearer token as the web
(`addon.observe.access`), and no request logging, since a scrape every few seconds is not an
event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from addon.observe.access import Access, check_bearer
from addon.observe.backlog import Backlog
from addon.observe.processes import use_metrics_dir
from addon.secret import Secret

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from addon.settings import Settings

__all__ = ["MetricsServer", "serve_metrics", "serve_metrics_if_configured"]

log = logging.getLogger(__name__)

_HEADERS = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the stdlib's signature
        pass


@dataclass
class MetricsServer:
    """A running metrics server; `port` is the bound port (useful with port 0)."""

    server: WSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def metrics_app(
    token: Secret | None, backlog: Callable[[], Backlog] | None
) -> Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]:
    """The WSGI app: `GET /metrics` with the bearer token, 404 for anything else."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        access = check_bearer(environ.get("HTTP_AUTHORIZATION"), token)
        if environ.get("PATH_INFO") != "/metrics" or access is Access.UNCONFIGURED:
            return _plain(start_response, "404 Not Found", b"not found\n")
        if environ.get("REQUEST_METHOD") not in {"GET", "HEAD"}:
            return _plain(start_response, "405 Method Not Allowed", b"GET only\n")
        if access is Access.DENIED:
            extra = [("WWW-Authenticate", 'Bearer realm="metrics"')]
            return _plain(start_response, "401 Unauthorized", b"bearer token required\n", extra)
        from addon.observe.exposition import CONTENT_TYPE, render_metrics

        body = render_metrics(backlog)
        start_response("200 OK", [("Content-Type", CONTENT_TYPE), *_HEADERS])
        return [body]

    return app


def _plain(
    start_response: StartResponse,
    status: str,
    body: bytes,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    headers = [("Content-Type", "text/plain; charset=utf-8"), *_HEADERS, *(extra or [])]
    start_response(status, headers)
    return [body]


def serve_metrics(
    host: str, port: int, token: Secret, backlog: Callable[[], Backlog] | None = None
) -> MetricsServer:
    """Serve `/metrics` on `host:port` (0: any free port) in a daemon thread."""
    server = make_server(
        host, port, metrics_app(token, backlog), server_class=_Server, handler_class=_Quiet
    )
    thread = threading.Thread(target=server.serve_forever, name="metrics-server", daemon=True)
    thread.start()
    return MetricsServer(server, thread)


def serve_metrics_if_configured(
    settings: Settings, *, backlog: Callable[[], Backlog] | None = None
) -> MetricsServer | None:
    """What a scheduler or worker process calls first: count into `ADDON_METRICS_DIR` if set,
    and serve `/metrics` on `ADDON_METRICS_BIND` if set (returns the server to stop, or None).

    Call it before the process records anything (`addon.observe.processes.use_metrics_dir`).
    `backlog` adds the scrape-time gauges (`addon.services.backlog.count_backlog`).
    """
    use_metrics_dir(settings.metrics_dir)
    if not settings.metrics_bind or settings.metrics_token is None:
        return None
    host, _, port = settings.metrics_bind.rpartition(":")
    served = serve_metrics(host.strip("[]"), int(port), settings.metrics_token, backlog)
    log.info("metrics served", extra={"bind": f"{host}:{served.port}"})
    return served
