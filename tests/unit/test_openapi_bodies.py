"""Every request body the OpenAPI document describes is generated from the Struct that reads it."""

from __future__ import annotations

from typing import Any

import msgspec
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis.generation import GenerationMode

from addon.reports.periods import Weekday
from addon.services.bodies import REQUEST_BODIES
from addon.services.body_errors import read_body
from addon.web.openapi import document

_METHODS = ("get", "put", "post", "delete", "patch")


def _bodies(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`METHOD /path` -> the schema of its JSON request body, for each operation with one."""
    return {
        f"{method.upper()} {path}": operation["requestBody"]["content"]["application/json"]
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if method in _METHODS and "requestBody" in operation
    }


def _sorted(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "enum": sorted(schema["enum"])} if "enum" in schema else schema


def _struct(kind: Any) -> type[msgspec.Struct]:
    """The Struct behind an `Annotated[Struct, Meta(...)]` body type (or the type itself)."""
    found = msgspec.inspect.type_info(kind)
    while isinstance(found, msgspec.inspect.Metadata):
        found = found.type
    assert isinstance(found, msgspec.inspect.StructType)
    return found.cls


def test_every_request_body_is_the_schema_of_its_struct() -> None:
    doc = document()
    kinds = list(dict.fromkeys(REQUEST_BODIES.values()))
    schemas, components = msgspec.json.schema_components(
        kinds, ref_template="#/components/schemas/{name}"
    )
    expected = dict(zip(kinds, schemas, strict=True))

    described = _bodies(doc)

    assert set(described) == set(REQUEST_BODIES)
    for label, media in described.items():
        assert media["schema"] == expected[REQUEST_BODIES[label]], label
    for name, schema in components.items():  # enum values in their class's order, not sorted
        assert _sorted(doc["components"]["schemas"][name]) == schema, name


def test_enum_values_keep_their_order() -> None:
    schemas = document()["components"]["schemas"]

    assert schemas["Weekday"]["enum"] == [day.value for day in Weekday]
    assert schemas["Attachment"]["enum"] == ["csv", "xlsx", "pdf"]


def test_the_document_and_its_schemas_are_valid_json_schema() -> None:
    doc = document()
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def _whole(value: Any) -> Any:
    """`value` with 2.0 written as 2. JSON Schema counts 2.0 as an integer; we, like the
    hand-written parsers before the Structs, want a whole number written as one."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    return value


_SCHEMA = schemathesis.openapi.from_dict(document())
_CASES = st.one_of(
    [
        _SCHEMA[path][method].as_strategy(GenerationMode.POSITIVE).map(lambda c, k=kind: (k, c))
        for label, kind in REQUEST_BODIES.items()
        for method, path in [label.split(" ", 1)]
    ]
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(drawn=_CASES)
def test_a_body_the_schema_allows_is_read_by_its_struct(drawn: tuple[Any, Any]) -> None:
    kind, case = drawn
    if not isinstance(case.body, dict):  # an optional body that was left out
        return

    read_body(_whole(case.body), _struct(kind))  # raises InvalidBody if the two disagree
