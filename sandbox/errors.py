"""Failures the sandbox explains to its caller, and the one place they become HTTP.

::

    SandboxError                 400 bad_request
     ├── Forbidden               403 forbidden          the acting user's role may not do this
     ├── NotFound                404 not_found          unknown workspace, user, add-on, delivery
     ├── Conflict                409 conflict           e.g. the add-on is already installed
     ├── ManifestRejected        422 manifest_rejected  the manifest breaks a Clockify rule
     └── AddonUnreachable        502 addon_unreachable  no HTTP answer from the add-on at all

Views only `raise`; `register_error_handlers` answers `{code, message}` as JSON on the installer
and API routes, and a small HTML page on the shell pages a person looks at.
"""

from __future__ import annotations

from typing import ClassVar

import requests
from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

__all__ = [
    "AddonUnreachable",
    "Conflict",
    "Forbidden",
    "ManifestRejected",
    "NotFound",
    "SandboxError",
    "describe_failure",
    "register_error_handlers",
]

# Paths whose callers are programs; everything else is a page in the Clockify shell.
_JSON_PREFIXES = ("/sandbox/", "/api/", "/reports/", "/regions/")


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


def describe_failure(exc: requests.RequestException) -> str:
    """A short reason for a failed outbound request, without echoing URLs or headers."""
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


def _wants_json() -> bool:
    return request.path.startswith(_JSON_PREFIXES)


def _render(status: int, code: str, message: str) -> tuple[Response | str, int]:
    if _wants_json():
        return jsonify(code=code, message=message), status
    return render_template("error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Called once by `create_sandbox_app`; werkzeug's own errors get the same shape."""

    @app.errorhandler(SandboxError)
    def _explain(exc: SandboxError) -> tuple[Response | str, int]:
        return _render(exc.status, exc.code, str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[Response | str, int] | HTTPException:
        if exc.code is None or exc.code < 400:
            return exc
        code = (exc.name or "error").lower().replace(" ", "_")
        return _render(exc.code, code, exc.description or exc.name)
