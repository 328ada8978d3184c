"""`/outbox`: the demo's sent mail, read from the `.eml` files the local SMTP server saved.

Mounted only when the sandbox is created with an outbox directory (`make demo` passes one).
Messages are listed newest first; a message page shows its headers, its text, and its HTML
inside `<iframe sandbox srcdoc>` under a `script-src 'none'` policy, so a message's scripts
never run and its links cannot reach the sandbox's pages. Only names the listing itself found
(plain `.eml` files directly in the directory, no symlinks) can be opened, so a crafted
URL cannot read any other file; attachments are addressed by position and always downloaded.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template
from flask.typing import ResponseReturnValue

from sandbox.errors import NotFound

__all__ = ["CONFIG_KEY", "bp"]

CONFIG_KEY = "OUTBOX_DIR"

bp = Blueprint("outbox", __name__, url_prefix="/outbox")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.eml$")
# The page may style itself and embed the message in a srcdoc frame; nothing may run or load.
_PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; "
    "base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    index: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class Summary:
    name: str
    date: str
    sender: str
    to: str
    cc: str
    subject: str
    attachments: tuple[AttachmentInfo, ...]


def _directory() -> Path:
    configured: Path | None = current_app.config.get(CONFIG_KEY)
    if configured is None:
        raise NotFound("this sandbox has no outbox")
    return configured


def _listing() -> dict[str, Path]:
    """Every message file, newest first (by when it was saved, then by name)."""
    found: list[tuple[int, str, Path]] = []
    try:
        entries = list(os.scandir(_directory()))
    except FileNotFoundError:
        return {}
    for entry in entries:
        if _NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
            found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name, Path(entry)))
    found.sort(reverse=True)
    return {name: path for _, name, path in found}


def _open(name: str) -> EmailMessage:
    path = _listing().get(name)
    if path is None:
        raise NotFound(f"no message {name!r} in the outbox")
    with path.open("rb") as file:
        parsed = BytesParser(policy=policy.default).parse(file)
    if not isinstance(parsed, EmailMessage):  # policy.default always builds one
        raise NotFound(f"message {name!r} cannot be read")
    return parsed


def _header(message: EmailMessage, name: str) -> str:
    value = message.get(name)
    return "" if value is None else " ".join(str(value).split())


def _attachments(message: EmailMessage) -> list[EmailMessage]:
    if not message.is_multipart():
        return []
    return [part for part in message.iter_attachments() if isinstance(part, EmailMessage)]


def _payload(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _summary(name: str, message: EmailMessage) -> Summary:
    return Summary(
        name=name,
        date=_header(message, "Date"),
        sender=_header(message, "From"),
        to=_header(message, "To"),
        cc=_header(message, "Cc"),
        subject=_header(message, "Subject"),
        attachments=tuple(
            AttachmentInfo(
                index,
                part.get_filename() or f"attachment-{index + 1}",
                part.get_content_type(),
                len(_payload(part)),
            )
            for index, part in enumerate(_attachments(message))
        ),
    )


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=(kind,))
    if not isinstance(part, EmailMessage) or part.get_content_type() != f"text/{kind}":
        return ""
    content = part.get_content()
    return content if isinstance(content, str) else ""


def _disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact one in RFC 5987 form."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r"[^A-Za-z0-9 ._()-]", "_", fallback).strip() or "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _page(html: str) -> Response:
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = _PAGE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("")
def index() -> ResponseReturnValue:
    messages = [_summary(name, _open(name)) for name in _listing()]
    return _page(render_template("outbox.html", messages=messages))


@bp.get("/<name>")
def message(name: str) -> ResponseReturnValue:
    parsed = _open(name)
    return _page(
        render_template(
            "outbox_message.html",
            message=_summary(name, parsed),
            message_id=_header(parsed, "Message-ID"),
            html=_body(parsed, "html"),
            text=_body(parsed, "plain"),
        )
    )


@bp.get("/<name>/attachments/<int:index>")
def attachment(name: str, index: int) -> ResponseReturnValue:
    parsed = _open(name)
    parts, infos = _attachments(parsed), _summary(name, parsed).attachments
    if index >= len(parts):
        raise NotFound(f"message {name!r} has no attachment {index}")
    info = infos[index]
    response = Response(_payload(parts[index]), mimetype=info.content_type)
    # Always a download, never rendered on the sandbox's origin (an HTML attachment included).
    response.headers["Content-Disposition"] = _disposition(info.filename)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
