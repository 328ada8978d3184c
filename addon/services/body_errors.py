"""`read_body`: a decoded JSON body into its Struct (`addon.services.bodies`), or `InvalidBody`.

msgspec says what is wrong in its words and where as a JSONPath suffix ("Expected `int` <= 23
- at `$.hour`"). Our errors name the field as the sidebar's form knows it: dotted names without
list positions (`recipients.to` for `$.recipients.to[3]`: a form marks the control, not the
item), and say what is expected in our words, built from the Struct's own type information
("hour must be a whole number from 0 to 23, not 24."), so a message cannot disagree with the
constraint or with the OpenAPI schema generated from the same type. The translation is written
once, here; each use case turns `InvalidBody` into its own error (`InvalidReportRequest`,
`InvalidSchedule`, ...) and so keeps the status code and error code it always answered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final, TypeVar

import msgspec
import msgspec.inspect as mi

from addon.reports.errors import shorten

__all__ = ["InvalidBody", "Path", "explain", "read_body"]

S = TypeVar("S", bound=msgspec.Struct)
Path = tuple[str | int, ...]

_AT: Final = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_STEP: Final = re.compile(r"\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?P<index>\d+)\]")
_UNKNOWN: Final = re.compile(r"^Object contains unknown field `(?P<name>.*)`$", re.S)
_MISSING: Final = re.compile(r"^Object missing required field `(?P<name>.*)`$", re.S)


class InvalidBody(ValueError):
    """A body that does not fit its Struct: `field` names the input ("" for the whole body),
    `path` is where exactly (with list positions), and the message says what is expected."""

    def __init__(self, field: str, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.field = field
        self.path = path


def read_body(data: object, kind: type[S]) -> S:
    """`data` (parsed JSON) as a `kind`; raises `InvalidBody` naming the first bad field."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        raise explain(exc, kind, data) from None


def explain(
    error: msgspec.ValidationError, kind: type[msgspec.Struct], data: object
) -> InvalidBody:
    """msgspec's `error` for `data` read as `kind`, in our words and with our field name."""
    reason, path = _split(str(error))
    unknown, missing = _UNKNOWN.match(reason), _MISSING.match(reason)
    if unknown:
        name = unknown["name"]
        if not path:
            return InvalidBody(name[:60], f"Unknown field {shorten(name)}.", (name,))
        noun = getattr(_struct_at(mi.type_info(kind), path), "noun", "field")
        return InvalidBody(field_of(path), f"Unknown {noun} {shorten(name)}.", path)
    if missing:
        path = (*path, missing["name"])
        expected = _expected(_type_at(mi.type_info(kind), path))
        return InvalidBody(field_of(path), f"{location(path)} is required: {expected}.", path)
    at = _type_at(mi.type_info(kind), path)
    value, field = _value_at(data, path), field_of(path)
    choices = _choices(at)
    if choices is not None and path and isinstance(path[-1], int):
        allowed = ", ".join(choices)
        message = f"{field} must be taken from {allowed}; {shorten(value)} is not one of them."
        return InvalidBody(field, message, path)
    return InvalidBody(
        field, f"{location(path)} must be {_expected(at)}, not {shorten(value)}.", path
    )


def field_of(path: Path) -> str:
    """The field a form knows: `("recipients", "to", 3)` is `recipients.to`."""
    return ".".join(step for step in path if isinstance(step, str))


def location(path: Path) -> str:
    """Where exactly, for messages: `("recipients", "to", 3)` is `recipients.to[3]`."""
    text = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path).lstrip(".")
    return text or "The body"


def _split(message: str) -> tuple[str, Path]:
    found = _AT.search(message)
    if found is None:
        return message, ()
    steps = _STEP.finditer(found["path"])
    path = tuple(int(m["index"]) if m["index"] else m["name"] for m in steps)
    return message[: found.start()], path


def _unwrap(kind: mi.Type) -> mi.Type:
    while isinstance(kind, mi.Metadata):
        kind = kind.type
    return kind


def _members(kind: mi.Type) -> Sequence[mi.Type]:
    kind = _unwrap(kind)
    return [_unwrap(k) for k in kind.types] if isinstance(kind, mi.UnionType) else [kind]


def _step(kind: mi.Type, step: str | int) -> mi.Type:
    for member in _members(kind):
        if isinstance(step, str) and isinstance(member, mi.StructType):
            for field in member.fields:
                if field.encode_name == step:
                    return field.type
        if isinstance(step, int) and isinstance(member, mi.ListType | mi.VarTupleType):
            return member.item_type
    return mi.AnyType()


def _type_at(kind: mi.Type, path: Path) -> mi.Type:
    for step in path:
        kind = _step(kind, step)
    return kind


def _struct_at(kind: mi.Type, path: Path) -> type[msgspec.Struct] | None:
    found = [m for m in _members(_type_at(kind, path)) if isinstance(m, mi.StructType)]
    return found[0].cls if found else None


def _value_at(data: object, path: Path) -> object:
    for step in path:
        if isinstance(step, str) and isinstance(data, dict):
            data = data.get(step)
        elif isinstance(step, int) and isinstance(data, list) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def _choices(kind: mi.Type) -> list[str] | None:
    """The allowed words of an enum or literal (None for any other type)."""
    kind = _unwrap(kind)
    if isinstance(kind, mi.EnumType):
        return [str(member.value) for member in kind.cls]
    if isinstance(kind, mi.LiteralType):
        return [str(value) for value in kind.values]
    return None


def _bounds(low: Any, high: Any, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low} to {high}{unit}"
    if low is not None:
        return f"at least {low}{unit}"
    return f"at most {high}{unit}"


def _phrase(kind: mi.Type) -> list[str]:
    """One type as alternatives a message joins with "or" (`true`, `false`, `null`)."""
    kind = _unwrap(kind)
    choices = _choices(kind)
    if choices is not None:
        return [repr(choices[0])] if len(choices) == 1 else [f"one of {', '.join(choices)}"]
    if isinstance(kind, mi.BoolType):
        return ["true", "false"]
    if isinstance(kind, mi.NoneType):
        return ["null"]
    if isinstance(kind, mi.IntType | mi.FloatType):  # our Meta uses ge/le only
        noun = "a whole number" if isinstance(kind, mi.IntType) else "a number"
        if kind.ge is None and kind.le is None:
            return [noun]
        if kind.ge is not None and kind.le is not None:
            return [f"{noun} from {kind.ge} to {kind.le}"]
        return [f"{noun} of {_bounds(kind.ge, kind.le, '')}"]
    if isinstance(kind, mi.StrType):
        if kind.min_length is None and kind.max_length is None:
            return ["text"]
        return [f"text of {_bounds(kind.min_length, kind.max_length, ' characters')}"]
    if isinstance(kind, mi.DateType):
        return ["a date like 2026-01-31"]
    if isinstance(kind, mi.ListType | mi.VarTupleType):
        if kind.min_length is None and kind.max_length is None:
            return ["a list"]
        if kind.min_length == 1 and kind.max_length is None:
            return ["a list of at least one item"]
        return [f"a list of {_bounds(kind.min_length, kind.max_length, ' items')}"]
    if isinstance(kind, mi.StructType):
        return ["an object"]
    return ["valid"]


def _expected(kind: mi.Type) -> str:
    words = [word for member in _members(kind) for word in _phrase(member)]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
