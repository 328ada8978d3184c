"""Clockify reports and invoices add-on: `create_app` wires the pieces, nothing more.

The app gets its `Runtime` (`addon.runtime.Runtime.from_settings`, the composition root), the
one error handler (`addon.errors`) and the blueprints (`addon.web`), whose views call the use
cases in `addon.services`. Where things happen, one module away:

    a Clockify 429 is retried        addon.clockify.transport (policy: addon.clockify.retry)
    an invoice number is assigned    addon.services.invoices.issue_draft
    a scheduled email is claimed     addon.delivery.runner (addon.store.runs.claim_run)
    the sidebar session is minted    addon.web.session.open_session
"""

from __future__ import annotations

import logging
import re
import secrets
import time
import uuid
from collections.abc import Callable

from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from addon.errors import register_error_handlers
from addon.logs import bind_log_context, configure_logging, reset_log_context
from addon.observe.processes import use_metrics_dir
from addon.runtime import Runtime
from addon.settings import Settings

__all__ = ["create_app"]

log = logging.getLogger("addon.http")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_.-]{8,64}$")
# Asked every few seconds by orchestrators and Prometheus: their lines are DEBUG, not events.
_POLLED_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], float] = time.time
) -> Flask:
    """Build the WSGI app; with no settings, read them from the `ADDON_*` environment."""
    settings = settings if settings is not None else Settings.from_process_env()
    configure_logging(settings)
    use_metrics_dir(settings.metrics_dir)  # before anything is counted
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=settings.max_body_bytes, JSON_SORT_KEYS=False)
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # the documented way to wrap
            app.wsgi_app,
            x_for=settings.proxy_hops,
            x_proto=settings.proxy_hops,
            x_host=settings.proxy_hops,
        )
    app.extensions["addon"] = Runtime.from_settings(settings, clock=clock)
    register_error_handlers(app)
    _register_request_hooks(app, settings)

    from addon.web import (
        api_reports,
        api_schedules,
        health,
        lifecycle,
        manifest,
        metrics,
        openapi,
        session,
        sidebar,
    )

    for blueprint in (health.bp, manifest.bp, metrics.bp, lifecycle.bp, sidebar.bp):
        app.register_blueprint(blueprint)
    session.init_app(app, settings)
    app.register_blueprint(api_schedules.bp)
    api_reports.init_app(app)
    app.register_blueprint(openapi.bp)
    if settings.scheduler_in_web:
        _start_scheduler(app)
    return app


def _start_scheduler(app: Flask) -> None:
    """Tick deliveries inside this web process (`ADDON_SCHEDULER_IN_WEB`).

    Under gunicorn every worker runs its own scheduler and ticks; the claims in the database
    keep each email exactly once, so that only costs a few idle queries per worker and tick.
    """
    import atexit

    from addon.delivery.scheduler import start_in_background
    from addon.mail.smtp import SmtpSender

    runtime: Runtime = app.extensions["addon"]
    scheduler = start_in_background(runtime, SmtpSender.from_settings(runtime.settings))
    app.extensions["addon.scheduler"] = scheduler

    def stop() -> None:
        if scheduler.running:  # it may have been stopped already (tests, a graceful shutdown)
            scheduler.shutdown(wait=False)

    atexit.register(stop)


def _register_request_hooks(app: Flask, settings: Settings) -> None:
    frame_ancestors = " ".join(("'self'", *settings.frame_ancestors))

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()
        # Every line of this request carries its id; views add the workspace once verified.
        g.log_context = bind_log_context(request_id=g.request_id)
        # Fresh per response, so an injected <script> cannot guess it (CSP script-src).
        g.csp_nonce = secrets.token_urlsafe(18)

    @app.teardown_request
    def _forget(_exc: BaseException | None) -> None:
        token = g.pop("log_context", None)
        if token is not None:  # a worker thread serves the next request with a clean context
            reset_log_context(token)

    @app.context_processor
    def _nonce() -> dict[str, str]:
        return {"csp_nonce": g.get("csp_nonce", "")}

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if response.mimetype == "text/html":
            # Clockify embeds us in an iframe: allow its origins, nothing else. Scripts come
            # from our origin and must carry this response's nonce; no other inline script.
            nonce = g.get("csp_nonce", "")
            response.headers["Content-Security-Policy"] = (
                f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; connect-src 'self'; "
                f"frame-ancestors {frame_ancestors}; base-uri 'none'; "
                "form-action 'self'; object-src 'none'"
            )
            response.headers["Cache-Control"] = "no-store"
        if settings.is_production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        # The path only: query strings can carry auth_token.
        log.log(
            logging.DEBUG if request.path in _POLLED_PATHS else logging.INFO,
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={"request_id": g.get("request_id"), "duration_ms": round(elapsed_ms, 1)},
        )
        return response
