"""Email messages from report parts: recipients, subject templates and the MIME structure.

Pure: values in, an `EmailMessage` out; no sockets, files or environment (the one clock read is
`compose(date=None)`, for callers that have no "now" of their own).

Privacy. To and Cc are visible to everyone who receives the message; Bcc recipients get only the
SMTP envelope and never appear in a header. A schedule that emails several clients must put them
in Bcc (with the workspace's own address in To), so clients never see each other's addresses.
We chose Bcc over one message per recipient because one schedule run is then one message, one
Message-ID and one SMTP transaction: the runner's exactly-once claim covers it whole, whereas a
fan-out interrupted half-way would need per-recipient delivery state to avoid sending twice.

Addresses are normalised on the way in: domains become lower-case IDNA (`bücher.de` is sent
as `xn--bcher-kva.de`), so every header and envelope address is ASCII and no server needs
SMTPUTF8. Local parts must be ASCII dot-atoms for the same reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import ClassVar

from addon.errors import BadRequest

__all__ = [
    "MAX_RECIPIENTS",
    "Attachment",
    "InvalidRecipients",
    "Recipients",
    "compose",
    "fill_template",
    "sender_address",
]

MAX_RECIPIENTS = 50
_MAX_INPUT = 320  # characters of one "Name <addr>" entry
_MAX_NAME = 100

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_NAMED = re.compile(
    r'^\s*(?:(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<plain>[^<>"@,;:\\()\[\]]*?))\s*<(?P<spec>[^<>]*)>\s*$'
)
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = re.compile(rf"^{_ATEXT}(?:\.{_ATEXT})*$")
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_TEMPLATE_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MESSAGE_ID = re.compile(r"^<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>$")
_MIME_NAME = r"[A-Za-z0-9!#$&^_.+-]+"
_CONTENT_TYPE = re.compile(rf"^({_MIME_NAME})/({_MIME_NAME})$")
_PARAM = re.compile(rf"^({_MIME_NAME})=({_MIME_NAME}|\"[^\"\\]*\")$")


class InvalidRecipients(BadRequest):
    """Raise when a recipient list is empty, too long or holds an address we cannot send to.

    The message names the field and the 0-based position of the first bad entry (`cc[2]`) and
    why; it never repeats other recipients' addresses. `field` and `index` carry the same.
    """

    code: ClassVar[str] = "invalid_recipients"

    def __init__(self, message: str, *, field: str = "", index: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.index = index


class _Invalid(ValueError):
    """One entry is malformed; the caller adds where it was."""


@dataclass(frozen=True, slots=True)
class Recipients:
    """Validated, de-duplicated recipients, each as `Name <local@domain>` or `local@domain`.

    ::

        recipients = Recipients.parse(["Ada <ada@example.com>"], bcc=["client@example.org"])
        recipients.envelope()  # ('ada@example.com', 'client@example.org')

    Build with `parse`; the constructor trusts its arguments.
    """

    to: tuple[str, ...]
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls, to: Sequence[str], cc: Sequence[str] = (), bcc: Sequence[str] = ()
    ) -> Recipients:
        """Validate every entry and drop repeats (case-insensitive, across fields, first wins).

        Each entry is one address with an optional display name: `a@x.com`, `<a@x.com>`,
        `Ada <a@x.com>` or `"Lovelace, Ada" <a@x.com>`. At least one To and at most
        `MAX_RECIPIENTS` distinct addresses in all. Raises `InvalidRecipients`.
        """
        seen: set[str] = set()
        fields: dict[str, list[str]] = {"to": [], "cc": [], "bcc": []}
        for name, entries in (("to", to), ("cc", cc), ("bcc", bcc)):
            if isinstance(entries, str):
                raise InvalidRecipients(f"{name} must be a list of addresses", field=name)
            for index, entry in enumerate(entries):
                try:
                    mailbox = _parse_mailbox(entry, require_dot=True)
                except _Invalid as exc:
                    raise InvalidRecipients(
                        f"{name}[{index}] is not a valid email address: {exc}",
                        field=name,
                        index=index,
                    ) from None
                key = mailbox.addr_spec.lower()
                if key in seen:
                    continue
                seen.add(key)
                fields[name].append(str(mailbox))
        if not fields["to"]:
            raise InvalidRecipients("to must hold at least one address", field="to")
        if len(seen) > MAX_RECIPIENTS:
            raise InvalidRecipients(
                f"at most {MAX_RECIPIENTS} recipients in all (to, cc and bcc), got {len(seen)}"
            )
        return cls(tuple(fields["to"]), tuple(fields["cc"]), tuple(fields["bcc"]))

    def envelope(self) -> tuple[str, ...]:
        """Every recipient's bare address (to, then cc, then bcc), for SMTP `RCPT TO`."""
        return tuple(_bare(entry) for entry in (*self.to, *self.cc, *self.bcc))


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to attach; `content_type` is `type/subtype`, optionally with `; charset=...`."""

    filename: str
    content_type: str
    data: bytes


def sender_address(sender: str) -> str:
    """The bare address of a From value (`Reports <r@x.com>` -> `r@x.com`), for `MAIL FROM`."""
    try:
        return _parse_mailbox(sender, require_dot=False).addr_spec
    except _Invalid as exc:
        raise ValueError(f"sender is not one valid email address: {exc}") from None


def fill_template(template: str, values: Mapping[str, str]) -> str:
    """Replace each `{name}` found in `values`; leave everything else exactly as written.

    Safe for templates users type: unlike `str.format`, there is no attribute or index access,
    conversion or format spec, so `{0.__class__}`, `{x!r}` and `{x:>99999}` stay literal, as does
    an unknown `{name}`. Substituted values are not expanded again.
    """

    def substitute(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    return _TEMPLATE_FIELD.sub(substitute, template)


def compose(
    *,
    sender: str,
    recipients: Recipients,
    subject: str,
    html: str,
    text: str,
    attachments: Sequence[Attachment] = (),
    message_id: str,
    date: datetime | None = None,
) -> EmailMessage:
    """Build the message: text and HTML alternatives, then the attachments.

    Structure: `multipart/mixed` [`multipart/alternative` [text/plain, text/html], files...],
    or just the `multipart/alternative` when there is nothing attached. Headers: From, To, Cc
    (never Bcc), Subject (line breaks become spaces), Date (`date` must be timezone-aware;
    now in UTC when omitted), Message-ID exactly as given (`<unique@domain>`; derive it from
    the delivery claim so a retry reuses it), and `Auto-Submitted: auto-generated` (RFC 3834)
    so auto-responders stay quiet. Raises `ValueError` on a malformed sender, Message-ID,
    date or attachment.
    """
    if not _MESSAGE_ID.match(message_id):
        raise ValueError("message_id must look like <unique-part@domain>, in printable ASCII")
    if date is not None and date.utcoffset() is None:
        raise ValueError("date must be timezone-aware (e.g. datetime.now(UTC))")
    try:
        from_ = _parse_mailbox(sender, require_dot=False)
    except _Invalid as exc:
        raise ValueError(f"sender is not one valid email address: {exc}") from None

    message = EmailMessage(policy=SMTP)
    message["From"] = from_
    message["To"] = _addresses(recipients.to)
    if recipients.cc:
        message["Cc"] = _addresses(recipients.cc)
    message["Subject"] = " ".join(_CONTROL.sub(" ", subject).split())
    message["Date"] = format_datetime(date if date is not None else datetime.now(UTC))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    for attachment in attachments:
        maintype, subtype, params = _content_type(attachment.content_type)
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=_safe_filename(attachment.filename),
            params=params,
        )
    return message


def _addresses(entries: Sequence[str]) -> tuple[Address, ...]:
    return tuple(_parse_mailbox(entry, require_dot=False) for entry in entries)


def _bare(entry: str) -> str:
    return _parse_mailbox(entry, require_dot=False).addr_spec


def _parse_mailbox(entry: str, *, require_dot: bool) -> Address:
    """One `Name <local@domain>` (name optional) as an `Address` with an IDNA domain."""
    if not isinstance(entry, str):
        raise _Invalid("expected a string")
    if _CONTROL.search(entry):
        raise _Invalid("it contains a line break or control character")
    if len(entry) > _MAX_INPUT:
        raise _Invalid(f"longer than {_MAX_INPUT} characters")
    named = _NAMED.match(entry)
    if named is None:
        name, spec = "", entry.strip()
    else:
        quoted = named.group("quoted")
        name = re.sub(r"\\(.)", r"\1", quoted[1:-1]) if quoted else named.group("plain") or ""
        name, spec = " ".join(name.split()), named.group("spec").strip()
    if len(name) > _MAX_NAME:
        raise _Invalid(f"the display name is longer than {_MAX_NAME} characters")
    local, at, domain = spec.rpartition("@")
    if not at or not local or not domain:
        raise _Invalid("expected one address like name@example.com")
    if not _DOT_ATOM.match(local) or len(local) > 64:
        raise _Invalid("the part before @ must be ASCII letters, digits or !#$%&'*+/=?^_`{|}~.-")
    return Address(display_name=name, username=local, domain=_idna(domain, require_dot))


def _idna(domain: str, require_dot: bool) -> str:
    try:
        ascii_domain = domain.lower().encode("idna").decode("ascii")
    except UnicodeError:
        raise _Invalid("the domain is not a valid host name") from None
    labels = ascii_domain.split(".")
    if len(ascii_domain) > 253 or not all(_LABEL.match(label) for label in labels):
        raise _Invalid("the domain is not a valid host name")
    if require_dot and (len(labels) < 2 or labels[-1].isdigit()):
        raise _Invalid("the domain must be a full domain name like example.com")
    return ascii_domain


def _content_type(value: str) -> tuple[str, str, dict[str, str]]:
    kind, *rest = (part.strip() for part in value.split(";"))
    match = _CONTENT_TYPE.match(kind)
    if match is None:
        raise ValueError(f"attachment content_type must be type/subtype, got {value!r}")
    params: dict[str, str] = {}
    for part in rest:
        param = _PARAM.match(part)
        if param is None:
            raise ValueError(f"attachment content_type has a malformed parameter: {part!r}")
        params[param.group(1).lower()] = param.group(2).strip('"')
    return match.group(1).lower(), match.group(2).lower(), params


def _safe_filename(filename: str) -> str:
    """The name without folders or control characters (a bare name is all a client needs)."""
    name = _CONTROL.sub("", filename).replace("\\", "/").rsplit("/", 1)[-1].strip(" .")
    return name[:150] or "attachment"
