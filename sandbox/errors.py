"""Failures the sandbox explains to its caller, and the one place they become HTTP.

::

    SandboxError                 400 bad_request
     ├── Forbidden               403 forbidden          the acting user's role may not do this
     ├── NotFound                404 not_found          unknown workspace, user, add-on, delivery
     ├── Conflict                409 conflict           e.g. the add-on is already installed
     ├── ManifestRejected        422 manifest_rejected  the manifest breaks a Clockify rule
     └── AddonUnreachable        502 addon_unreachable  no HTTP answer from the add-on at all

Views only `raise`; `register_error_handlers` answers `{code, message}` as JSON on the installer
routes, and a small HTML page on the shell pages a person looks at.

The simulated Clockify APIs answer in Clockify's own shape instead, `{"message", "code"}` with a
numeric code (reports-api.md §7), through a second tree:

::

    ClockifyApiError             400 code 501   validation, "doesn't belong to workspace"
     ├── AuthMissing             401 code 1000  none, both, or `Authorization` credentials
     ├── ApiKeyUnknown           401 code 4003  an `X-Api-Key` (the sandbox issues none)
     ├── TokenInvalid            401 code 4017  a bad, foreign or uninstalled add-on token
     ├── AccessDenied            403 code 403   another workspace, or a scope not in the manifest
     ├── PermissionMissing       401, no code   a scope not in the manifest, as live Clockify says
     ├── UnknownWorkspace        404, no body   a workspace the sandbox does not know (live)
     └── TooManyRequests         429 code 429   above the workspace's rate limit or hourly quota

Codes 1000, 4003, 4017, 501 and 3000 (unknown route or method) are Clockify's as probed live;
for 403 and 429 no code is documented, so the sandbox uses the HTTP status as the code.
"""

from __future__ import annotations

from typing import ClassVar

import requests
from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

__all__ = [
    "AccessDenied",
    "AddonUnreachable",
    "ApiKeyUnknown",
    "AuthMissing",
    "ClockifyApiError",
    "Conflict",
    "Forbidden",
    "ManifestRejected",
    "NotFound",
    "SandboxError",
    "TokenInvalid",
    "TooManyRequests",
    "describe_failure",
    "register_error_handlers",
]

# Paths whose callers are programs; everything else is a page in the Clockify shell.
_JSON_PREFIXES = ("/sandbox/", "/api/", "/reports/", "/regions/", "/subdomains/")
# Paths of the simulated Clockify APIs, which answer errors in Clockify's `{message, code}`.
_API_PREFIXES = ("/api/", "/reports/", "/regions/", "/subdomains/")


class SandboxError(Exception):
    """A failure the caller can fix or must know about; its message is safe to show."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"


class Forbidden(SandboxError):
    """Raise when the acting user's workspace role does not allow the action."""

    status = 403
    code = "forbidden"


class NotFound(SandboxError):
    """Raise when a workspace, user, installation or earlier delivery does not exist."""

    status = 404
    code = "not_found"


class Conflict(SandboxError):
    """Raise when the request is valid but clashes with the current state."""

    status = 409
    code = "conflict"


class ManifestRejected(SandboxError):
    """Raise when a fetched manifest breaks a rule Clockify enforces at install time."""

    status = 422
    code = "manifest_rejected"


class AddonUnreachable(SandboxError):
    """Raise when the add-on gave no HTTP answer (refused, timed out, broken response)."""

    status = 502
    code = "addon_unreachable"


class ClockifyApiError(Exception):
    """A refusal by the simulated Clockify API; raise with a message Clockify-like and safe."""

    status: ClassVar[int] = 400
    code: ClassVar[int | None] = 501
    empty: ClassVar[bool] = False  # answer with no body at all

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.headers = headers or {}


class AuthMissing(ClockifyApiError):
    """Raise unless exactly one of `X-Api-Key` / `X-Addon-Token` came, and no `Authorization`."""

    status = 401
    code = 1000

    def __init__(self) -> None:
        super().__init__("Multiple or none auth tokens present")


class ApiKeyUnknown(ClockifyApiError):
    """Raise for any `X-Api-Key`: the sandbox only knows the add-on tokens it signed."""

    status = 401
    code = 4003

    def __init__(self) -> None:
        super().__init__("Api key does not exist")


class TokenInvalid(ClockifyApiError):
    """Raise for an add-on token that is malformed, forged, expired or of no live installation."""

    status = 401
    code = 4017

    def __init__(self) -> None:
        super().__init__("Token is not valid")


class AccessDenied(ClockifyApiError):
    """Raise when a valid token may not do this: another workspace, or a missing scope."""

    status = 403
    code = 403


class PermissionMissing(ClockifyApiError):
    """A scope missing from the manifest, answered as live Clockify does: 401 naming it.

    The live `code` was never recorded, so none is sent (it is certainly not 4017).
    """

    status = 401
    code = None


class UnknownWorkspace(ClockifyApiError):
    """A valid token calling a workspace id Clockify does not know: 404 with an empty body."""

    status = 404
    code = None
    empty = True

    def __init__(self) -> None:
        super().__init__("")


class TooManyRequests(ClockifyApiError):
    """Raise above the workspace's rate limit; the text is the one the OpenAPI documents."""

    status = 429
    code = 429

    def __init__(self, *, headers: dict[str, str] | None = None) -> None:
        super().__init__("Too many requests", headers=headers)


def describe_failure(exc: requests.RequestException) -> str:
    """A short reason for a failed outbound request, without echoing URLs or headers."""
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


def _wants_json() -> bool:
    return request.path.startswith(_JSON_PREFIXES)


def _is_clockify_api() -> bool:
    return request.path.startswith(_API_PREFIXES)


def _clockify_answer(
    status: int, code: int | None, message: str, headers: dict[str, str] | None = None
) -> Response:
    response = jsonify(message=message) if code is None else jsonify(message=message, code=code)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _render(status: int, code: str, message: str) -> tuple[Response | str, int]:
    if _wants_json():
        return jsonify(code=code, message=message), status
    return render_template("error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Called once by `create_sandbox_app`; werkzeug's own errors get the same shape."""

    @app.errorhandler(SandboxError)
    def _explain(exc: SandboxError) -> tuple[Response | str, int]:
        return _render(exc.status, exc.code, str(exc))

    @app.errorhandler(ClockifyApiError)
    def _clockify(exc: ClockifyApiError) -> Response:
        if exc.empty:
            return Response(status=exc.status, headers=exc.headers)
        return _clockify_answer(exc.status, exc.code, str(exc), exc.headers)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[Response | str, int] | Response | HTTPException:
        if exc.code is None or exc.code < 400:
            return exc
        if _is_clockify_api():
            # Clockify's own wording for unknown routes and methods (reports-api.md §7).
            if exc.code == 404:
                return _clockify_answer(404, 3000, f"No static resource {request.path[1:]}.")
            if exc.code == 405:
                message = f"Request method '{request.method}' is not supported"
                return _clockify_answer(405, 3000, message)
            return _clockify_answer(exc.code, exc.code, exc.description or exc.name)
        code = (exc.name or "error").lower().replace(" ", "_")
        return _render(exc.code, code, exc.description or exc.name)
