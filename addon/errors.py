"""Typed failures, and the one place where they become HTTP answers.

    AddonError                      a failure the caller can fix; its message is safe to show
     +-- BadRequest          400    malformed JSON, missing or invalid fields
     +-- InvalidToken        401    missing, forged, expired or mismatched Clockify token
     +-- Forbidden           403    a valid token whose role may not do this
     +-- NotInstalled        404    no installation for the token's workspace
     +-- Conflict            409    the request contradicts stored state
     +-- UnsupportedMediaType 415   a body that is not application/json
     +-- ConfigurationError  (start-up only: never reaches HTTP)

Views only `raise`; `register_error_handlers` turns every error, including Werkzeug's own
`HTTPException`s and unexpected bugs, into `{"error": code, "message": text}`. A bug answers a
generic 500 carrying a request id, and its traceback goes to the log, never to the caller.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from flask import Flask, Response, g, jsonify
from werkzeug.exceptions import HTTPException

__all__ = [
    "AddonError",
    "BadRequest",
    "ConfigurationError",
    "Conflict",
    "Forbidden",
    "InvalidToken",
    "NotInstalled",
    "UnsupportedMediaType",
    "register_error_handlers",
]

log = logging.getLogger(__name__)


class AddonError(Exception):
    """A failure the caller can fix; its message is safe to show."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"


class BadRequest(AddonError):
    """Raise when the request body or parameters are malformed or invalid."""


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


class ConfigurationError(Exception):
    """A setting is missing or invalid; raised at start-up, naming the variable."""


def error_response(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": code, "message": message})
    response.status_code = status
    return response


def _snake(name: str) -> str:
    return "_".join(name.lower().split())


def register_error_handlers(app: Flask) -> None:
    """Attach the JSON error handlers; called once by `create_app`."""

    @app.errorhandler(AddonError)
    def _explain(exc: AddonError) -> Response:
        return error_response(exc.status, exc.code, str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        name = _snake(exc.name or "error")
        return error_response(status, name, exc.description or name)

    @app.errorhandler(Exception)
    def _bug(exc: Exception) -> Response:
        request_id = g.get("request_id", "-")
        log.error("unhandled error", exc_info=exc, extra={"request_id": request_id})
        return error_response(
            500, "internal_error", f"Internal error; quote request id {request_id} to support."
        )
