"""The `format` query parameter of a download and the attachment response that carries it."""

from __future__ import annotations

from flask import Response, request

from addon.errors import BadRequest
from addon.render.files import FileFormat, RenderedFile

__all__ = ["file_response", "requested_format"]


def requested_format() -> FileFormat:
    raw = request.args.get("format", "")
    try:
        return FileFormat(raw)
    except ValueError:
        allowed = ", ".join(FileFormat)
        raise BadRequest(f"format must be one of {allowed}") from None


def file_response(file: RenderedFile) -> Response:
    response = Response(file.data, mimetype=file.content_type.split(";")[0])
    response.headers["Content-Type"] = file.content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
