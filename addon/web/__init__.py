"""HTTP in: thin views that parse a request, call one use case (`addon.services`) and answer.

Blueprints: `lifecycle` (Clockify's callbacks), `sidebar` (the iframe page), `session` (the
token exchange), `api_*` (the page's JSON API), `manifest`, `health`, `openapi`. Errors are
raised, never answered here: `addon.errors.register_error_handlers` turns them into JSON, or
into the error page for the sidebar.
"""

from __future__ import annotations

from flask import current_app

from addon.runtime import Runtime

__all__ = ["runtime"]


def runtime() -> Runtime:
    """The app's `Runtime`, built once by `create_app`."""
    value = current_app.extensions["addon"]
    assert isinstance(value, Runtime)  # noqa: S101  # set by create_app; narrows the type
    return value
