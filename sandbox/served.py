"""`ServedApp`: any WSGI app on a real loopback port in a daemon thread.

The add-on's manifest must name the URL it is reachable at, and that URL is only known once the
port is bound (port 0 picks a free one). So the server binds first, then builds the app from a
factory that receives the URL. The demo and the end-to-end tests use this to run the add-on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

__all__ = ["ServedApp"]

WSGIApp = Callable[..., Any]


class _Deferred:
    """Answers 503 until the real app is attached (only between bind and attach)."""

    def __init__(self) -> None:
        self.app: WSGIApp | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.app is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"starting"]
        return self.app(environ, start_response)


class ServedApp:
    def __init__(
        self, factory: Callable[[str], WSGIApp], *, host: str = "127.0.0.1", port: int = 0
    ):
        self._deferred = _Deferred()
        self._server: BaseWSGIServer = make_server(host, port, self._deferred, threaded=True)
        self.url = f"http://{host}:{self._server.port}"
        self.app = factory(self.url)
        self._deferred.app = self.app
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"served-app-{self._server.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> ServedApp:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
