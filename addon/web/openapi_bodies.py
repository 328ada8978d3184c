"""The OpenAPI document's request bodies, generated from `addon.services.bodies`.

Generated rather than hand-written because the same Structs validate the bodies: the schema
cannot say more or less than the validator (a test compares them). msgspec writes the schemas
of the Structs and of every enum and nested Struct they use as components, named after the
classes (`ReportRequest`, `Filters`, `Weekday`...), with `$ref`s to `#/components/schemas/`.
Response schemas stay hand-written in `addon.web.openapi` and `openapi_reports`, and refer to
these components where they share a piece (filters, the schedule's fields, enums).
"""

from __future__ import annotations

import copy
import functools
from typing import Any, Final

import msgspec
import msgspec.inspect as mi

from addon.services.bodies import REQUEST_BODIES

__all__ = ["REF", "body_components", "request_body", "request_schema"]

REF: Final = "#/components/schemas/"


def _enums(kind: mi.Type, found: dict[str, list[Any]]) -> None:
    """Collect every enum `kind` uses, by component name, with its values in class order."""
    if isinstance(kind, mi.EnumType):
        found[kind.cls.__name__] = [member.value for member in kind.cls]
    elif isinstance(kind, mi.Metadata):
        _enums(kind.type, found)
    elif isinstance(kind, mi.UnionType):
        for member in kind.types:
            _enums(member, found)
    elif isinstance(kind, mi.ListType | mi.VarTupleType):
        _enums(kind.item_type, found)
    elif isinstance(kind, mi.StructType):
        for field in kind.fields:
            _enums(field.type, found)


@functools.cache
def _generated() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """(schema per operation label, components); computed once, copied on every use.

    msgspec lists an enum's values sorted; they are put back in the class's order, which
    is the one readers expect (MONDAY to SUNDAY, DAILY, WEEKLY, MONTHLY).
    """
    kinds = list(dict.fromkeys(REQUEST_BODIES.values()))
    schemas, components = msgspec.json.schema_components(kinds, ref_template=REF + "{name}")
    ordered: dict[str, list[Any]] = {}
    for info in mi.multi_type_info(kinds):
        _enums(info, ordered)
    for name, values in ordered.items():
        if sorted(components[name]["enum"]) == sorted(values):
            components[name]["enum"] = values
    by_kind = dict(zip(kinds, schemas, strict=True))
    return {label: by_kind[kind] for label, kind in REQUEST_BODIES.items()}, components


def request_schema(label: str) -> dict[str, Any]:
    """The schema of the body `label` ("POST /api/reports") takes: usually a `$ref`."""
    return copy.deepcopy(_generated()[0][label])


def request_body(label: str, *, required: bool = True) -> dict[str, Any]:
    """The operation's `requestBody` object."""
    content = {"application/json": {"schema": request_schema(label)}}
    return {"required": required, "content": content}


def body_components() -> dict[str, Any]:
    """The components the request schemas refer to (a new dict each call)."""
    return copy.deepcopy(_generated()[1])
