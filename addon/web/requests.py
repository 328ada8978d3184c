"""Reading request bodies and fields: every malformed input becomes a typed 4xx with a reason."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from flask import Request

from addon.errors import BadRequest, UnsupportedMediaType

__all__ = ["json_object", "optional_id", "required_id", "required_url"]

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; 415 for another content type, 400 for malformed JSON.

    Oversized bodies never get here: Flask's MAX_CONTENT_LENGTH answers 413 first.
    """
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("expected Content-Type: application/json")
    raw = request.get_data(cache=True)
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("body is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise BadRequest(
            f"body is not valid JSON (line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    return body


def required_id(body: dict[str, Any], field: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not _ID.match(value):
        raise BadRequest(f"{field} is missing or is not a Clockify id")
    return value


def optional_id(body: dict[str, Any], field: str) -> str | None:
    if body.get(field) in (None, ""):
        return None
    return required_id(body, field)


def required_url(body: dict[str, Any], field: str, *, https_only: bool) -> str:
    value = body.get(field)
    if not isinstance(value, str) or len(value) > 2048:
        raise BadRequest(f"{field} is missing or is not a URL")
    parts = urlsplit(value)
    schemes = {"https"} if https_only else {"http", "https"}
    if parts.scheme not in schemes or not parts.netloc or parts.query or parts.fragment:
        allowed = " or ".join(sorted(schemes))
        raise BadRequest(f"{field} must be an absolute {allowed} URL")
    return value.rstrip("/")
