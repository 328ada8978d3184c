"""`GET /api/openapi.json`: the OpenAPI 3.1 description of the sidebar's JSON API.

Request bodies are generated from the Structs that validate them (`addon.web.openapi_bodies`),
so they cannot drift. Responses are hand-written, so that they state the contract we mean (the
tests validate real responses against them with `jsonschema`, which catches drift either way),
and refer to the generated components for shared pieces (a schedule's fields, filters, enums).
The document is public: it describes the API, and every described operation still needs a
session.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from flask import Blueprint
from flask.typing import ResponseReturnValue

from addon.services.schedules import DeliveryState
from addon.web.openapi_bodies import REF, body_components, request_body
from addon.web.openapi_einvoices import EINVOICE_SCHEMAS, einvoice_paths
from addon.web.openapi_reports import REPORT_SCHEMAS, report_paths

__all__ = ["bp", "document"]

bp = Blueprint("openapi", __name__, url_prefix="/api")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _enum(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": [v.value for v in values]}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS: Final = {
    "400": _json(_ref("Error"), "Malformed input (400), naming the field where known"),
    "401": _json(_ref("Error"), "No, forged or expired session (`session_expired`)"),
    "403": _json(_ref("Error"), "Not an owner or admin, or a foreign Origin"),
    "404": _json(_ref("Error"), "No such schedule or run in the session's workspace"),
    "415": _json(_ref("Error"), "A state change whose body is not Content-Type: application/json"),
}
_INVALID: Final = {"422": _json(_ref("Error"), "Invalid schedule; `field` names the input")}
_ID_PARAM: Final = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}

_DELIVERY: Final = {
    "type": "object",
    "required": ["id", "schedule_id", "due", "period_start", "period_end", "state", "attempts"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer"},
        "schedule_id": {"type": "integer"},
        "due": {"type": "string", "format": "date"},
        "period_start": {"type": "string", "format": "date"},
        "period_end": {"type": "string", "format": "date"},
        "state": _enum(DeliveryState),
        "attempts": {"type": "integer", "minimum": 0},
        "last_error": {"type": ["string", "null"]},
        "claimed_at": {"type": ["string", "null"], "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
_SCHEMAS: Final = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "additionalProperties": False,
        "properties": {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "field": {"type": "string"},
        },
    },
    "Session": {
        "type": "object",
        "required": ["session", "expires_at"],
        "additionalProperties": False,
        "properties": {
            "session": {"type": "string"},
            "expires_at": {"type": "integer", "description": "Unix seconds"},
        },
    },
    "ScheduleList": {
        "type": "object",
        "required": ["schedules"],
        "properties": {"schedules": {"type": "array", "items": _ref("Schedule")}},
    },
    "NextSends": {
        "type": "object",
        "required": ["schedule_id", "zone", "next"],
        "properties": {
            "schedule_id": {"type": "integer"},
            "zone": {"type": "string"},
            "next": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["due", "at"],
                    "additionalProperties": False,
                    "properties": {
                        "due": {"type": "string", "format": "date"},
                        "at": {"type": "string", "format": "date-time"},
                    },
                },
            },
        },
    },
    "Delivery": _DELIVERY,
    "DeliveryList": {
        "type": "object",
        "required": ["deliveries"],
        "properties": {"deliveries": {"type": "array", "items": _ref("Delivery")}},
    },
}


def _op(summary: str, ok: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {**ok, **_ERRORS}, **extra}


def _schemas() -> dict[str, Any]:
    """Hand-written response schemas and generated body schemas; a name is never both.

    A Schedule is a `ScheduleInput` whose read-only fields are all present.
    """
    generated = body_components()
    written = {**_SCHEMAS, **REPORT_SCHEMAS, **EINVOICE_SCHEMAS}
    clash = sorted(set(generated) & set(written))
    if clash:
        raise RuntimeError(f"OpenAPI components defined twice: {', '.join(clash)}")
    fields = generated["ScheduleInput"]["properties"]
    read_only = [name for name, field in fields.items() if field.get("readOnly")]
    schedule = {"allOf": [_ref("ScheduleInput"), {"type": "object", "required": read_only}]}
    return {**copy.deepcopy(written), "Schedule": schedule, **generated}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (a new dict each call, so callers may not alter ours)."""
    one = _json(_ref("Schedule"), "The schedule")
    paths = {
        "/api/session": {
            "post": _op(
                "Exchange a Clockify user token for a session",
                {"200": _json(_ref("Session"), "A new session")},
                security=[],
                requestBody=request_body("POST /api/session"),
            )
        },
        "/api/schedules": {
            "get": _op("List the workspace's schedules", {"200": _json(_ref("ScheduleList"), "")}),
            "post": _op(
                "Create a schedule",
                {"201": _json(_ref("Schedule"), "Created"), **_INVALID},
                requestBody=request_body("POST /api/schedules"),
            ),
        },
        "/api/schedules/{id}": {
            "parameters": [_ID_PARAM],
            "get": _op("Read a schedule", {"200": one}),
            "put": _op(
                "Replace a schedule's definition",
                {"200": one, **_INVALID},
                requestBody=request_body("PUT /api/schedules/{id}"),
            ),
            "delete": _op("Delete a schedule and its runs", {"204": {"description": "Deleted"}}),
        },
        "/api/schedules/{id}/pause": {
            "parameters": [_ID_PARAM],
            "post": _op("Pause a schedule", {"200": one}),
        },
        "/api/schedules/{id}/resume": {
            "parameters": [_ID_PARAM],
            "post": _op("Resume without sending what fell due while paused", {"200": one}),
        },
        "/api/schedules/{id}/next": {
            "parameters": [
                _ID_PARAM,
                {
                    "name": "count",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5},
                },
            ],
            "get": _op(
                "Next send times in the schedule's zone", {"200": _json(_ref("NextSends"), "")}
            ),
        },
        "/api/schedules/next": {
            "post": _op(
                "The next five send times of an unsaved schedule, in its zone",
                {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["zone", "next"],
                            "properties": {
                                "zone": {"type": "string"},
                                "next": _ref("NextSends/properties/next"),
                            },
                        },
                        "",
                    ),
                    **_INVALID,
                },
                requestBody=request_body("POST /api/schedules/next"),
            )
        },
        "/api/deliveries": {
            "get": _op(
                "The delivery log, newest first",
                {"200": _json(_ref("DeliveryList"), "")},
                parameters=[
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                    }
                ],
            )
        },
        "/api/deliveries/{id}/resend": {
            "parameters": [_ID_PARAM],
            "post": _op(
                "Re-send a failed run (same Message-ID) on the next scheduler tick",
                {
                    "202": _json(_ref("Delivery"), "Queued for re-sending"),
                    "409": _json(_ref("Error"), "The run did not fail"),
                },
            ),
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Reports & Invoices sidebar API",
            "version": "1",
            "description": (
                "Called by the sidebar page with the session it was rendered with. A state "
                "change with a body needs Content-Type: application/json (one without a body "
                "sends no Content-Type); owners and admins only."
            ),
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "security": [{"session": []}],
        "paths": {**paths, **report_paths(), **einvoice_paths()},
        "components": {
            "securitySchemes": {
                "session": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The sidebar session (15 minutes), never a Clockify token",
                }
            },
            "schemas": _schemas(),
        },
    }


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return document()
