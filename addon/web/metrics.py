"""`GET /metrics`: Prometheus text for the holder of `ADDON_METRICS_TOKEN`.

Served by the web app because that is what operators already reach; with `ADDON_METRICS_DIR`
shared, it also sums the schedulers and workers on the host (`addon.observe.exposition`). It is
on the sidebar's origin, so: 404 without a configured token, 401 without the right one, never
cached, never framed, no CORS headers (a page of another origin cannot read it).
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from addon.errors import InvalidToken, NotFound
from addon.observe.access import Access, check_bearer
from addon.services.backlog import count_backlog
from addon.web import runtime

__all__ = ["bp"]

bp = Blueprint("metrics", __name__)


class MetricsTokenRequired(InvalidToken):
    """Raise when `/metrics` is asked for without the configured bearer token."""

    code = "metrics_token_required"


@bp.get("/metrics")
def metrics() -> ResponseReturnValue:
    rt = runtime()
    access = check_bearer(request.headers.get("Authorization"), rt.settings.metrics_token)
    if access is Access.UNCONFIGURED:
        raise NotFound("no metrics here: ADDON_METRICS_TOKEN is not set")
    if access is Access.DENIED:
        raise MetricsTokenRequired("send Authorization: Bearer <ADDON_METRICS_TOKEN>")
    # Imported here, after create_app chose where metrics live (addon.observe.processes).
    from addon.observe.exposition import CONTENT_TYPE, render_metrics

    return Response(render_metrics(partial(count_backlog, rt)), content_type=CONTENT_TYPE)


@bp.after_request
def _protect(response: Response) -> Response:
    """On every answer of this blueprint, errors included."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response
