"""Invoice numbers: pattern parsing, counter scopes and formatting; the pure side of numbering.

A pattern mixes text with tokens: `{YYYY}` `{YY}` `{MM}` `{DD}` (issue date), `{seq}` or
`{seq:4}` (the counter, zero-padded to a width), `{client}` (a short client code); `{{` and `}}`
print braces. Example: `INV-{YYYY}-{seq:4}` gives `INV-2026-0042`.

The gap-free counter lives in the database. This module tells it which counter to use
(`counter_scope`: one global counter or one per client, optionally one per year) and which value
comes next (`next_sequence`, honouring a start offset), and formats the value it hands back.
Settings that could print the same number twice are refused: a yearly reset needs a year in the
pattern, and per-client counters need `{client}`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from addon.reports.errors import InvalidPattern, shorten

__all__ = [
    "CounterScope",
    "NumberPattern",
    "NumberingSettings",
    "Token",
    "client_code",
    "counter_scope",
    "format_invoice_number",
    "next_sequence",
    "parse_pattern",
]

MAX_PATTERN_LENGTH: Final = 64
MAX_SEQ_WIDTH: Final = 12
_TOKEN_NAMES: Final = ("YYYY", "YY", "MM", "DD", "seq", "client")
_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_CLIENT_CODE = re.compile(r"[A-Za-z0-9_-]{1,16}")


class CounterScope(StrEnum):
    """Which invoices share a counter: all of the workspace's, or each client's own."""

    GLOBAL = "global"
    PER_CLIENT = "per_client"


@dataclass(frozen=True, slots=True)
class Token:
    """A placeholder in a pattern; `width` pads `seq` with zeros (0: no padding)."""

    name: str
    width: int = 0


@dataclass(frozen=True, slots=True)
class NumberPattern:
    """A parsed pattern: literal text and tokens, in order."""

    source: str
    parts: tuple[str | Token, ...]

    def uses(self, *names: str) -> bool:
        """Whether any of the named tokens appears."""
        return any(isinstance(part, Token) and part.name in names for part in self.parts)


def _token(text: str, pattern: str) -> Token:
    name, colon, width = text.partition(":")
    if name not in _TOKEN_NAMES:
        allowed = ", ".join("{" + n + "}" for n in _TOKEN_NAMES)
        raise InvalidPattern(
            f"{shorten('{' + text + '}')} is not a number pattern token; use {allowed}."
        )
    if not colon:
        return Token(name)
    if name != "seq" or not width.isdigit() or not 1 <= int(width) <= MAX_SEQ_WIDTH:
        raise InvalidPattern(
            f"Only {{seq}} takes a width, from 1 to {MAX_SEQ_WIDTH}, as in {{seq:4}}; "
            f"{shorten('{' + text + '}')} in {shorten(pattern)} is not valid."
        )
    return Token(name, int(width))


def parse_pattern(pattern: str) -> NumberPattern:
    """Parse and check a pattern; `InvalidPattern` says what is wrong and how to write it."""
    if not pattern or len(pattern) > MAX_PATTERN_LENGTH:
        raise InvalidPattern(f"A number pattern has 1 to {MAX_PATTERN_LENGTH} characters.")
    if not pattern.isprintable():
        raise InvalidPattern("A number pattern cannot contain tabs, line breaks or control codes.")
    parts: list[str | Token] = []
    position = 0
    for match in _FIELD.finditer(pattern):
        literal = pattern[position : match.start()]
        position = match.end()
        text = match.group(0)
        if literal:
            parts.append(literal)
        if text in ("{{", "}}"):
            parts.append(text[0])
        elif match.group(1) is not None:
            parts.append(_token(match.group(1), pattern))
        else:
            raise InvalidPattern(
                f"Unmatched {text!r} in {shorten(pattern)}; write {{{{ or }}}} for a literal brace."
            )
    if pattern[position:]:
        parts.append(pattern[position:])
    seqs = sum(1 for part in parts if isinstance(part, Token) and part.name == "seq")
    if seqs != 1:
        raise InvalidPattern(
            f"A number pattern needs exactly one {{seq}} so numbers differ; "
            f"{shorten(pattern)} has {seqs}."
        )
    return NumberPattern(pattern, tuple(parts))


@dataclass(frozen=True, slots=True)
class NumberingSettings:
    """A workspace's numbering: pattern, counter scope, yearly reset and first number.

    Checked on construction, so bad settings are refused when saved, not at issue time.
    """

    pattern: str
    scope: CounterScope = CounterScope.GLOBAL
    yearly_reset: bool = False
    start: int = 1

    def __post_init__(self) -> None:
        parsed = parse_pattern(self.pattern)
        if self.yearly_reset and not parsed.uses("YYYY", "YY"):
            raise InvalidPattern(
                "A counter that restarts every year needs {YYYY} or {YY} in the pattern, "
                "or numbers would repeat."
            )
        if self.scope is CounterScope.PER_CLIENT and not parsed.uses("client"):
            raise InvalidPattern(
                "Per-client counters need {client} in the pattern, or two clients would get the "
                "same number."
            )
        if isinstance(self.start, bool) or not isinstance(self.start, int) or self.start < 1:
            raise InvalidPattern(
                f"Numbering starts at a whole number of 1 or more, not {self.start}."
            )

    @property
    def parsed(self) -> NumberPattern:
        """The pattern, parsed (valid: the constructor checked it)."""
        return parse_pattern(self.pattern)


def counter_scope(settings: NumberingSettings, issue_date: date, client_id: str) -> str:
    """The key of the counter an invoice draws from: `global`, `client:<id>`, `...:<year>`.

    The database keeps one gap-free counter row per key. The pattern is not part of the key, so
    editing the pattern continues the same counter.
    """
    if settings.scope is CounterScope.PER_CLIENT:
        if not client_id:
            raise InvalidPattern("Per-client numbering needs the invoice's client.")
        key = f"client:{client_id}"
    else:
        key = "global"
    return f"{key}:{issue_date.year:04d}" if settings.yearly_reset else key


def next_sequence(settings: NumberingSettings, last: int | None) -> int:
    """The value after `last` (the scope's last issued value, `None` if none), at least `start`.

    Raising `start` later (e.g. to continue an older system's numbers) takes effect at once;
    lowering it never reuses a value.
    """
    return settings.start if last is None else max(last + 1, settings.start)


def client_code(name: str, length: int = 6) -> str:
    """A default `{client}` code from a client's name: ASCII letters and digits, upper case.

    "Café Müller GmbH" -> "CAFEMU". Names reducing to the same code would share numbers under a
    per-client counter, so let users override the code (it must match `[A-Za-z0-9_-]{1,16}`).
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    code = "".join(ch for ch in ascii_name if ch.isalnum()).upper()[:length]
    return code or "CLIENT"


def format_invoice_number(
    settings: NumberingSettings, sequence: int, issue_date: date, client: str = ""
) -> str:
    """The printed number for counter value `sequence`, issued on `issue_date` to `client`.

    `client` is the client code for `{client}`; widths pad but never cut, so 12345 in `{seq:4}`
    prints in full.
    """
    if isinstance(sequence, bool) or sequence < 0:
        raise InvalidPattern(f"An invoice sequence value is a whole number >= 0, not {sequence}.")
    pattern = settings.parsed
    if pattern.uses("client") and not _CLIENT_CODE.fullmatch(client):
        raise InvalidPattern(
            f"Client code {shorten(client)} must be 1 to 16 letters, digits, '-' or '_'."
        )
    values = {
        "YYYY": f"{issue_date.year:04d}",
        "YY": f"{issue_date.year % 100:02d}",
        "MM": f"{issue_date.month:02d}",
        "DD": f"{issue_date.day:02d}",
        "client": client,
    }
    out: list[str] = []
    for part in pattern.parts:
        if isinstance(part, str):
            out.append(part)
        elif part.name == "seq":
            out.append(str(sequence).zfill(part.width))
        else:
            out.append(values[part.name])
    return "".join(out)
