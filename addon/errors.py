"""Typed failures, drawn once here, and the one place where they become HTTP answers.

    AddonError                       a failure the caller can fix; its message is safe to show
     +-- BadRequest           400    malformed JSON, missing or invalid fields
     +-- InvalidInput         422    a well-formed request whose `field` has a bad value
     |    +-- InvalidReportRequest   (addon.services.report_spec)
     +-- InvalidToken         401    missing, forged, expired or mismatched Clockify token
     |    +-- InvalidSession, SessionExpired           (addon.web.session)
     +-- Forbidden            403    a valid token whose role may not do this
     |    +-- OriginNotAllowed                         (addon.web.session)
     +-- NotFound             404    no such job, schedule, run or invoice in this workspace
     +-- NotInstalled         404    no installation for the token's workspace
     +-- Conflict             409    the request contradicts stored state
     +-- UnsupportedMediaType 415    a body that is not application/json
     +-- TooManyJobs          429    the workspace already has its reports in progress
     +-- MailFailed           502    the SMTP server refused or could not be reached
     +-- ClockifyError        502    Clockify refused or failed (addon.clockify.errors: its own
                                     tree, with ClockifyUnavailable 503 and Retry-After)
    ReportError (ValueError)  422    the pure core's failures (addon.reports.errors), which know
                                     nothing of HTTP; InvalidSchedule (addon.schedules) is one
    ConfigurationError               start-up only: never reaches HTTP

Views and use cases only `raise`. `register_error_handlers` turns every error, including
Werkzeug's own `HTTPException`s and unexpected bugs, into `{"error": code, "message": text}`
(plus `field` when the error names one, and what its `details()` adds, such as the `problems`
of a refused e-invoice), or into the error page when the request came to the sidebar page,
because JSON inside an iframe helps nobody. A bug answers a generic 500 carrying
a request id, and its traceback goes to the log, never to the caller.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from addon.reports.errors import ReportError

__all__ = [
    "AddonError",
    "BadRequest",
    "ConfigurationError",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "InvalidToken",
    "MailFailed",
    "NotFound",
    "NotInstalled",
    "TooManyJobs",
    "UnsupportedMediaType",
    "register_error_handlers",
]

log = logging.getLogger(__name__)

SIDEBAR_BLUEPRINT = "sidebar"
"""Requests to this blueprint get the error page instead of JSON."""


class AddonError(Exception):
    """A failure the caller can fix; its message is safe to show."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def details(self) -> dict[str, object]:
        """More JSON for the answer beyond `error`, `message` and `field` (none by default)."""
        return {}


class BadRequest(AddonError):
    """Raise when the request body or parameters are malformed or invalid."""


class InvalidInput(AddonError):
    """Raise when a well-formed request has a bad value; `field` names the input (422)."""

    status = 422
    code = "invalid_request"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class InvalidToken(AddonError):
    """Raise when a Clockify token is missing, forged, expired or names another installation.

    Messages say which check failed, never the token itself.
    """

    status = 401
    code = "invalid_token"


class Forbidden(AddonError):
    """Raise when a verified user may not perform the action (e.g. a non-admin)."""

    status = 403
    code = "forbidden"


class NotFound(AddonError):
    """Raise when a job, schedule, run or invoice does not exist in the caller's workspace.

    One of another workspace answers exactly the same, so ids leak nothing.
    """

    status = 404
    code = "not_found"


class NotInstalled(AddonError):
    """Raise when no installation exists for the workspace a verified token names."""

    status = 404
    code = "not_installed"


class Conflict(AddonError):
    """Raise when a request contradicts stored state and cannot be applied as sent."""

    status = 409
    code = "conflict"


class UnsupportedMediaType(AddonError):
    """Raise when a JSON endpoint receives another content type."""

    status = 415
    code = "unsupported_media_type"


class TooManyJobs(AddonError):
    """Raise when a workspace already has its allowed number of reports in progress."""

    status = 429
    code = "too_many_jobs"


class MailFailed(AddonError):
    """Raise when the SMTP server refused or could not be reached; the message says which."""

    status = 502
    code = "smtp_failed"


class ConfigurationError(Exception):
    """A setting is missing or invalid; raised at start-up, naming the variable."""


def _snake(name: str) -> str:
    return "_".join(name.lower().split())


def _field_of(exc: Exception) -> str | None:
    value = getattr(exc, "field", None)
    return value if isinstance(value, str) and value else None


def _answer(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    details: dict[str, object] | None = None,
) -> Response:
    """The error as the caller can read it: the sidebar's error page, or JSON for the rest."""
    if request.blueprint == SIDEBAR_BLUEPRINT:
        page = render_template("error.html", status=status, message=message)
        return Response(page, status=status, mimetype="text/html")
    body: dict[str, object] = {"error": code, "message": message}
    if field:
        body["field"] = field
    body.update(details or {})
    response = jsonify(body)
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    """Attach the one set of error handlers; called once by `create_app`."""

    @app.errorhandler(AddonError)
    def _explain(exc: AddonError) -> Response:
        return _answer(exc.status, exc.code, str(exc), _field_of(exc), exc.details())

    @app.errorhandler(ReportError)
    def _report(exc: ReportError) -> Response:
        return _answer(422, exc.code, str(exc), _field_of(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        name = _snake(exc.name or "error")
        return _answer(status, name, exc.description or name)

    @app.errorhandler(Exception)
    def _bug(exc: Exception) -> Response:
        request_id = g.get("request_id", "-")
        log.error("unhandled error", exc_info=exc, extra={"request_id": request_id})
        return _answer(
            500, "internal_error", f"Internal error; quote request id {request_id} to support."
        )
