"""`SandboxServer`: the sandbox on a real loopback port, in a daemon thread.

Modelled on moto's `ThreadedMotoServer` and werkzeug's own test server: a real socket, so the
add-on under test talks HTTP to it exactly as it would to Clockify. `make_server` binds and
listens before it returns, so the server accepts connections as soon as `start()` returns; no
polling is needed.

The port is bound first and only then is `SANDBOX_URL` set, because the URLs inside the tokens
(`backendUrl`, `reportsUrl`, ...) must name the port actually bound (port 0 picks a free one).
"""

from __future__ import annotations

import ssl
import threading
from pathlib import Path
from types import TracebackType

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from sandbox.app import create_sandbox_app
from sandbox.data import Workspace
from sandbox.manifests import AddonManifest
from sandbox.state import Installation, SandboxState
from sandbox.tokens import ApiUrls, TokenIssuer

__all__ = ["SandboxServer"]


class SandboxServer:
    """Start with `start()` or `with SandboxServer(issuer) as sandbox:`; stop with `stop()`.

    ::

        with SandboxServer(TokenIssuer("acme-reports")) as sandbox:
            requests.post(f"{sandbox.url}/sandbox/workspaces/{ws}/addons", json={...})
    """

    def __init__(
        self,
        issuer: TokenIssuer,
        *,
        state: SandboxState | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        report_page_size_cap: int = 1000,
        outbox_dir: Path | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """`ssl_context` (a server context holding a certificate) serves https, so the URLs in
        tokens are https too: what a production add-on insists on (tests/ship)."""
        self.issuer = issuer
        self.state = state if state is not None else SandboxState()
        self.app: Flask = create_sandbox_app(
            self.state, issuer, report_page_size_cap=report_page_size_cap, outbox_dir=outbox_dir
        )
        self._host = host
        self._port = port
        self._ssl_context = ssl_context
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """`http://127.0.0.1:<port>` (https with an `ssl_context`), the bound address; known
        only once started."""
        if self._server is None:
            raise RuntimeError("the sandbox has no URL until start() has bound its port")
        scheme = "https" if self._ssl_context is not None else "http"
        return f"{scheme}://{self._host}:{self._server.port}"

    def register_installation(
        self,
        workspace: Workspace,
        manifest: AddonManifest,
        *,
        addon_id: str | None = None,
        now: float | None = None,
    ) -> Installation:
        """Record the add-on as installed on `workspace` without calling its INSTALLED lifecycle.

        For callers that play the add-on's side themselves (client tests, benches): they get an
        installation token signed for this server's URLs, exactly what INSTALLED would carry.
        """
        owner = workspace.owner
        addon_id = addon_id or self.state.new_id("addon")
        urls = ApiUrls.for_sandbox(self.url, workspace.region, workspace.subdomain)
        token = self.issuer.installation_token(
            workspace_id=workspace.id, addon_id=addon_id, owner_id=owner.id, urls=urls, now=now
        )
        installation = Installation(addon_id, workspace.id, manifest, owner.id, owner.id, token)
        self.state.add_installation(installation)
        return installation

    def start(self) -> SandboxServer:
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        self._server = make_server(
            self._host, self._port, self.app, threaded=True, ssl_context=self._ssl_context
        )
        self.app.config["SANDBOX_URL"] = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"clockify-sandbox-{self._server.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        if thread is not None:
            thread.join(timeout=10)
        server.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
