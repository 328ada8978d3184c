"""`GET /api/openapi.json`: a hand-written OpenAPI 3.1 description of the sidebar's JSON API.

Hand-written rather than generated so that it states the contract we mean (the tests validate
real responses against its schemas with `jsonschema`, which catches drift either way). It is
public: it describes the API, and every described operation still needs a session.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from flask import Blueprint
from flask.typing import ResponseReturnValue

from addon.clockify.queries import Invoicing
from addon.render.files import ATTACHMENT_FORMATS
from addon.render.i18n import DurationStyle
from addon.reports.model import GroupBy, NonWorkTime
from addon.reports.periods import Weekday
from addon.schedules import Coverage, Frequency
from addon.services.bodies import MAX_IDS, ReportKind
from addon.store.models import DeliveryState
from addon.web.openapi_reports import REPORT_SCHEMAS, report_paths

__all__ = ["bp", "document"]

bp = Blueprint("openapi", __name__, url_prefix="/api")

_REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _enum(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": [v.value for v in values]}


def _ids() -> dict[str, Any]:
    item = {"type": "string", "minLength": 1, "maxLength": 64}
    return {"type": "array", "items": item, "maxItems": MAX_IDS}


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

_FILTERS: Final = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "clients": _ids(),
        "projects": _ids(),
        "users": _ids(),
        "tags": _ids(),
        "billable": {"type": ["boolean", "null"]},
        "invoicing": _enum(Invoicing),
        "non_work_time": {
            **_enum(NonWorkTime),
            "description": "Breaks, holidays, time off: apart, counted or left out",
        },
    },
}
_ADDRESSES: Final = {"type": "array", "items": {"type": "string"}}
_READ_ONLY: Final = {
    "id": {"type": "integer", "readOnly": True},
    "paused": {"type": "boolean", "readOnly": True},
    "created_at": {"type": "string", "format": "date-time", "readOnly": True},
    "updated_at": {"type": "string", "format": "date-time", "readOnly": True},
    "next_send": {
        "type": ["string", "null"],
        "format": "date-time",
        "readOnly": True,
        "description": "In the schedule's zone; null while paused",
    },
}


def _only_for(field: str, frequency: Frequency) -> list[dict[str, Any]]:
    """`field` is required (not null) for `frequency` and null for the other frequencies.

    Two implications rather than if/else, so an unknown frequency fails only its enum.
    """
    others = [f.value for f in Frequency if f is not frequency]
    return [
        {
            "if": {"properties": {"frequency": {"const": frequency.value}}},
            "then": {"required": [field], "properties": {field: {"not": {"type": "null"}}}},
        },
        {
            "if": {"properties": {"frequency": {"enum": others}}},
            "then": {"properties": {field: {"type": "null"}}},
        },
    ]


_CADENCE_RULES: Final = [
    *_only_for("weekday", Frequency.WEEKLY),
    *_only_for("day_of_month", Frequency.MONTHLY),
]
_SCHEDULE_INPUT: Final = {
    "type": "object",
    "description": (
        "An unknown field answers 422; a Schedule's read-only fields are accepted and "
        "ignored, so a schedule that was read can be sent back"
    ),
    "required": ["name", "frequency", "hour", "zone", "recipients"],
    "additionalProperties": False,
    "allOf": _CADENCE_RULES,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "kind": _enum(ReportKind),
        "filters": _ref("Filters"),
        "groups": {"type": "array", "items": _enum(GroupBy), "maxItems": 3, "uniqueItems": True},
        "formats": {"type": "array", "items": _enum(ATTACHMENT_FORMATS), "uniqueItems": True},
        "locale": {"type": "string"},
        "durations": _enum(DurationStyle),
        "frequency": _enum(Frequency),
        "weekday": {"type": ["string", "null"], "enum": [*(d.value for d in Weekday), None]},
        "day_of_month": {
            "description": "1-31, or 0 for the last day of the month (input also takes LAST)",
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": 31},
                {"const": "LAST"},
                {"type": "null"},
            ],
        },
        "hour": {"type": "integer", "minimum": 0, "maximum": 23},
        "minute": {"type": "integer", "minimum": 0, "maximum": 59},
        "zone": {"type": "string", "description": "IANA time zone, e.g. Europe/Berlin"},
        "coverage": _enum(Coverage),
        "week_start": _enum(Weekday),
        "recipients": {
            "type": "object",
            "required": ["to"],
            "properties": {
                "to": {**_ADDRESSES, "minItems": 1},
                "cc": _ADDRESSES,
                "bcc": _ADDRESSES,
            },
        },
        "subject_template": {"type": "string", "minLength": 1, "maxLength": 500},
        "body_template": {"type": "string", "maxLength": 10000},
        "skip_when_empty": {"type": "boolean"},
        **_READ_ONLY,
    },
}
_SCHEDULE: Final = {
    "allOf": [_ref("ScheduleInput"), {"type": "object", "required": list(_READ_ONLY)}]
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
    "SessionRequest": {
        "type": "object",
        "required": ["auth_token"],
        "properties": {"auth_token": {"type": "string", "description": "Clockify user token"}},
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
    "Filters": _FILTERS,
    "ScheduleInput": _SCHEDULE_INPUT,
    "Schedule": _SCHEDULE,
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


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(name)}}}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (a new dict each call, so callers may not alter ours)."""
    one = _json(_ref("Schedule"), "The schedule")
    paths = {
        "/api/session": {
            "post": _op(
                "Exchange a Clockify user token for a session",
                {"200": _json(_ref("Session"), "A new session")},
                security=[],
                requestBody=_body("SessionRequest"),
            )
        },
        "/api/schedules": {
            "get": _op("List the workspace's schedules", {"200": _json(_ref("ScheduleList"), "")}),
            "post": _op(
                "Create a schedule",
                {"201": _json(_ref("Schedule"), "Created"), **_INVALID},
                requestBody=_body("ScheduleInput"),
            ),
        },
        "/api/schedules/{id}": {
            "parameters": [_ID_PARAM],
            "get": _op("Read a schedule", {"200": one}),
            "put": _op(
                "Replace a schedule's definition",
                {"200": one, **_INVALID},
                requestBody=_body("ScheduleInput"),
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
                requestBody=_body("ScheduleInput"),
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
        "paths": {**paths, **report_paths()},
        "components": {
            "securitySchemes": {
                "session": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The sidebar session (15 minutes), never a Clockify token",
                }
            },
            "schemas": copy.deepcopy({**_SCHEMAS, **REPORT_SCHEMAS}),
        },
    }


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return document()
