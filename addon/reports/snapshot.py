"""Invoice and summary snapshots: a frozen `Invoice` or `Summary` to JSON and back, equal to it.

An issued invoice is stored as this snapshot and every later rendering is built from it, so
rate or entry changes in Clockify can never alter an issued invoice. The codec is driven by the
dataclass type hints, so a new field is covered without editing this module. Decimals travel as
strings, dates as ISO strings, enums by value, and members of a union of dataclasses (a discount)
carry a `"type"` tag. Nothing passes through a float. Summaries use the same codec so a report
built in the background can be stored and rendered again, in any format, by any process.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

from addon.reports.errors import InvalidSnapshot
from addon.reports.model import Invoice, Summary

__all__ = [
    "SNAPSHOT_SCHEMA",
    "invoice_from_json",
    "invoice_to_json",
    "summary_from_json",
    "summary_to_json",
]

SNAPSHOT_SCHEMA = 1


def invoice_to_json(invoice: Invoice) -> dict[str, Any]:
    """A JSON-safe document of `invoice`, with a schema version for future migrations."""
    return _document(invoice)


def invoice_from_json(data: Mapping[str, Any]) -> Invoice:
    """The `Invoice` a snapshot holds; `InvalidSnapshot` names the first bad field."""
    value = _decode(Invoice, _body(data), "invoice")
    assert isinstance(value, Invoice)  # noqa: S101  # decoding Invoice yields an Invoice
    return value


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """A JSON-safe document of `summary`, versioned like invoice snapshots."""
    return _document(summary)


def _document(value: Invoice | Summary) -> dict[str, Any]:
    encoded = _encode(value)
    assert isinstance(encoded, dict)  # noqa: S101  # a dataclass always encodes to an object
    return {"schema": SNAPSHOT_SCHEMA, **encoded}


def summary_from_json(data: Mapping[str, Any]) -> Summary:
    """The `Summary` a snapshot holds; `InvalidSnapshot` names the first bad field."""
    value = _decode(Summary, _body(data), "summary")
    assert isinstance(value, Summary)  # noqa: S101  # decoding Summary yields a Summary
    return value


def _body(data: Mapping[str, Any]) -> dict[str, Any]:
    schema = data.get("schema") if isinstance(data, Mapping) else None
    if type(schema) is not int or schema != SNAPSHOT_SCHEMA:
        raise InvalidSnapshot(f"snapshot schema must be {SNAPSHOT_SCHEMA}")
    return {k: v for k, v in data.items() if k != "schema"}


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # datetime too: isoformat keeps the offset
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        encoded = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        # The union tag; a dataclass with its own `type` field (TimeEntry) keeps that field,
        # and may therefore never be a member of a union.
        encoded.setdefault("type", type(value).__name__)
        return encoded
    raise InvalidSnapshot(f"cannot store a {type(value).__name__} in a snapshot")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _decode(hint: Any, data: Any, path: str) -> Any:  # one branch per type
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = get_args(hint)
        if data is None and type(None) in options:
            return None
        classes = [o for o in options if isinstance(o, type) and dataclasses.is_dataclass(o)]
        if isinstance(data, Mapping) and classes:
            tag = data.get("type")
            for cls in classes:
                if cls.__name__ == tag:
                    return _decode(cls, data, path)
            raise InvalidSnapshot(f"{path}: unknown type {str(tag)[:40]!r}")
        non_none = [o for o in options if o is not type(None)]
        if len(non_none) == 1:
            return _decode(non_none[0], data, path)
        raise InvalidSnapshot(f"{path}: value does not match {hint}")
    if origin is tuple:
        if not isinstance(data, list):
            raise InvalidSnapshot(f"{path}: expected a list")
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:  # tuple[X, ...]: any length, one type
            args = (args[0],) * len(data)
        elif len(args) != len(data):  # tuple[X, Y]: a pair such as (EntryType, Totals)
            raise InvalidSnapshot(f"{path}: expected {len(args)} items, got {len(data)}")
        return tuple(
            _decode(item, v, f"{path}[{i}]")
            for i, (item, v) in enumerate(zip(args, data, strict=True))
        )
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _decode_dataclass(hint, data, path)
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(data)
        except ValueError:
            raise InvalidSnapshot(f"{path}: {str(data)[:40]!r} is not a {hint.__name__}") from None
    if hint is Decimal:
        if not isinstance(data, str):
            raise InvalidSnapshot(f"{path}: expected a decimal string")
        try:
            return Decimal(data)
        except InvalidOperation:
            raise InvalidSnapshot(f"{path}: {data[:40]!r} is not a decimal") from None
    if hint in (datetime, date):
        if not isinstance(data, str):
            raise InvalidSnapshot(f"{path}: expected an ISO date")
        try:
            return hint.fromisoformat(data)
        except ValueError:
            raise InvalidSnapshot(f"{path}: {data[:40]!r} is not an ISO date") from None
    if hint in (int, str, bool):
        if type(data) is not hint:
            raise InvalidSnapshot(f"{path}: expected {hint.__name__}")
        return data
    raise InvalidSnapshot(f"{path}: unsupported type {hint}")


def _decode_dataclass(cls: type, data: Any, path: str) -> Any:
    if not isinstance(data, Mapping):
        raise InvalidSnapshot(f"{path}: expected an object")
    hints = _hints(cls)
    values = {}
    for field in dataclasses.fields(cls):
        if field.name not in data:
            if field.default is not dataclasses.MISSING:  # added after the snapshot was written
                continue
            raise InvalidSnapshot(f"{path}.{field.name}: missing")
        values[field.name] = _decode(hints[field.name], data[field.name], f"{path}.{field.name}")
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise InvalidSnapshot(f"{path}: {str(exc)[:120]}") from None
