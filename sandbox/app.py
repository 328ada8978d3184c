"""The sandbox's Flask app: Clockify's add-on platform, locally, on one host.

Areas, one blueprint each (`sandbox/web/`):

* `installer_api`: `/sandbox/...` JSON for tests and the demo (install, settings, status,
  uninstall, redeliver, public key, reset): what an admin does in Clockify's UI.
* `shell`: `/` and `/workspaces/...` HTML pages imitating Clockify's app with the add-on's
  sidebar entry and component iframe.
* `outbox`: `/outbox` HTML pages listing the mail a local SMTP server saved (demo only).
* `control_api`: `/sandbox/...` JSON that tests and benches turn: generated workspaces,
  programmed faults, response shapes, rate limits and the request log.
* `api` and `reports_api`: Clockify's regular API (reads, and marking time invoiced) and its
  Reports API, computed from the workspace's data, behind the gate in `web/gate.py` (faults,
  auth, rate limit, scopes).

Host scheme. One sandbox host stands in for all of Clockify's hosts, so each host becomes a
path prefix, and tokens for a workspace carry the URLs of that workspace's region:

====================  ==========================  =====================================
claim                 global workspace            regional workspace (e.g. `euc1`)
====================  ==========================  =====================================
`backendUrl`/apiUrl   `{sandbox}/api`             `{sandbox}/regions/euc1/api`
`reportsUrl`          `{sandbox}/reports`         `{sandbox}/regions/euc1/report`
`locationsUrl`        `{sandbox}/locations`       `{sandbox}/regions/euc1/locations`
`screenshotsUrl`      `{sandbox}/screenshots`     `{sandbox}/regions/euc1/screenshots`
`ptoUrl`              `{sandbox}/pto`             `{sandbox}/regions/euc1/pto`
====================  ==========================  =====================================

`reports` vs `report` mirrors `reports.api.clockify.me` vs `euc1.clockify.me/report`.
A subdomain workspace (e.g. `acme`, Clockify's `acme.clockify.me`) keeps `backendUrl` as above
and has `{sandbox}/subdomains/acme/report` (likewise `locations`, `screenshots`, `pto`) for the
rest; only the Reports API is mounted there, since the sandbox serves no other of those APIs.
`{sandbox}` is `app.config["SANDBOX_URL"]` (set by `SandboxServer` once it has bound its port),
or the request's own host when unset (e.g. under Flask's test client).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from sandbox.errors import register_error_handlers
from sandbox.installer import DEFAULT_TIMEOUT, Installer
from sandbox.state import SandboxState
from sandbox.tokens import TokenIssuer
from sandbox.web import (
    EXTENSION_KEY,
    SandboxContext,
    api,
    control_api,
    installer_api,
    outbox,
    reports_api,
    shell,
)

__all__ = ["create_sandbox_app"]


def create_sandbox_app(
    state: SandboxState,
    issuer: TokenIssuer,
    *,
    sandbox_url: str | None = None,
    http_timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    report_page_size_cap: int = reports_api.DEFAULT_PAGE_SIZE_CAP,
    outbox_dir: Path | None = None,
) -> Flask:
    """Wire a sandbox around `state` and `issuer`; the caller owns both and may inspect them.

    `http_timeout` is the (connect, read) limit in seconds for every request the sandbox makes
    to the add-on (manifest fetch, lifecycle calls). `report_page_size_cap` is the largest
    `pageSize` the Reports API accepts: sources say 1000 or 200 (reports-api.md §3.2), so a
    client must cope with either; it lives in `app.config["REPORT_PAGE_SIZE_CAP"]`.
    `outbox_dir`, when given, mounts `/outbox`: the `.eml` files a local SMTP server saved there.
    """
    app = Flask(__name__, static_folder=None)  # inline CSS only: the machine may be offline
    app.config["SANDBOX_URL"] = sandbox_url
    app.config["REPORT_PAGE_SIZE_CAP"] = report_page_size_cap
    json_provider = DefaultJSONProvider(app)
    json_provider.sort_keys = False  # answers keep Clockify's documented key order
    app.json = json_provider
    installer = Installer(state, issuer, timeout=http_timeout)
    app.extensions[EXTENSION_KEY] = SandboxContext(state, issuer, installer)
    register_error_handlers(app)
    app.register_blueprint(installer_api.bp)
    app.register_blueprint(control_api.bp)
    app.register_blueprint(shell.bp)
    if outbox_dir is not None:
        app.config[outbox.CONFIG_KEY] = outbox_dir
        app.register_blueprint(outbox.bp)
    # Each API is mounted once per environment; see the host scheme above.
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_blueprint(api.bp, url_prefix="/regions/<region>/api", name="regional_api")
    app.register_blueprint(reports_api.bp, url_prefix="/reports")
    app.register_blueprint(
        reports_api.bp, url_prefix="/regions/<region>/report", name="regional_reports_api"
    )
    app.register_blueprint(
        reports_api.bp,
        url_prefix="/subdomains/<subdomain>/report",
        name="subdomain_reports_api",
    )
    return app
