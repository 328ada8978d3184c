"""The OpenAPI schemas of the report APIs' answers (jobs, results, drafts, issued invoices).

Split from `addon.web.openapi_reports`, which holds the paths and operations that refer to them:
the schemas are data, the paths the contract's shape. The tests validate real responses against
these schemas; request bodies are generated from their Structs (`addon.web.openapi_bodies`).
"""

from __future__ import annotations

from typing import Any, Final

from addon.services.bodies import ReportKind
from addon.services.marking import MarkingState
from addon.web.openapi_bodies import REF

__all__ = [
    "CLOCKIFY",
    "ERRORS",
    "REPORT_SCHEMAS",
    "STRING",
    "enum_of",
    "error",
    "json_body",
    "ref",
]


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def enum_of(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": [v.value for v in values]}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error(description: str) -> dict[str, Any]:
    return json_body(ref("Error"), description)


ERRORS: Final = {
    "400": error("Malformed input, naming the field where known"),
    "401": error("No, forged or expired session (`session_expired`)"),
    "403": error("Not an owner or admin, or a foreign Origin"),
    "404": error("No such job or invoice in the session's workspace"),
    "415": error("A body that is not Content-Type: application/json"),
}
CLOCKIFY: Final = {
    "422": error("Invalid input (`field` names it) or Clockify refused the request"),
    "502": error("Clockify answered in a way we do not understand"),
    "503": error("Clockify is unavailable, or the add-on must be reinstalled"),
}
STRING: Final = {"type": "string"}
_DATE: Final = {"type": "string", "format": "date"}
_STAMP: Final = {"type": "string", "format": "date-time"}
_NAMED: Final = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "name"],
        "additionalProperties": False,
        "properties": {"id": STRING, "name": STRING},
    },
}
_MONEY: Final = {
    "type": "object",
    "required": ["currency", "minor"],
    "additionalProperties": False,
    "properties": {
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "minor": {"type": "integer", "description": "Integer minor units (cents)"},
    },
}
_INVOICE_FIELDS: Final = {
    "number": STRING,
    "client": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": STRING, "name": STRING},
    },
    "currency": STRING,
    "total": _MONEY,
    "total_formatted": STRING,
    "lines": {"type": "integer"},
    "issue_date": _DATE,
    "due_date": _DATE,
}

REPORT_SCHEMAS: Final[dict[str, Any]] = {
    "Workspace": {
        "type": "object",
        "required": ["workspace", "user", "defaults", "invoice_defaults", "clients"],
        "properties": {
            "workspace": {
                "type": "object",
                "required": ["id", "name", "currency"],
                "properties": {"id": STRING, "name": STRING, "currency": STRING},
            },
            "user": {
                "type": "object",
                "required": ["id", "role"],
                "properties": {"id": STRING, "role": STRING},
            },
            "defaults": {
                "type": "object",
                "required": ["zone", "locale", "week_start", "durations"],
                "properties": {
                    "zone": {"type": ["string", "null"]},
                    "locale": STRING,
                    "week_start": ref("Weekday"),
                    "durations": ref("DurationStyle"),
                },
            },
            "invoice_defaults": {
                "type": "object",
                "required": ["grouping", "due_days", "tax_percent", "second_tax_percent"],
                "properties": {
                    "grouping": ref("LineGrouping"),
                    "due_days": {"type": "integer"},
                    "tax_percent": STRING,
                    "second_tax_percent": STRING,
                    "number_pattern": STRING,
                    "notes": STRING,
                    "mark_invoiced": {"type": "boolean"},
                },
            },
            "clients": _NAMED,
            "users": _NAMED,
            "tags": _NAMED,
            "projects": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "name", "client_id"],
                    "additionalProperties": False,
                    "properties": {
                        "id": STRING,
                        "name": STRING,
                        "client_id": {"type": ["string", "null"]},
                    },
                },
            },
        },
    },
    "Totals": {
        "type": "object",
        "required": ["duration", "billable_duration", "entries", "amounts", "formatted"],
        "properties": {
            "duration": {"type": "integer", "description": "Seconds"},
            "billable_duration": {"type": "integer"},
            "entries": {"type": "integer"},
            "amounts": {"type": "array", "items": _MONEY},
            "formatted": {"type": "object"},
        },
    },
    "Check": {
        "type": "object",
        "description": "Clockify's own totals the report was checked against",
        "required": [
            "entries",
            "duration_seconds",
            "billable_duration_seconds",
            "amounts",
            "expenses",
            "expense_amounts",
            "text",
        ],
        "additionalProperties": False,
        "properties": {
            "entries": {"type": "integer"},
            "duration_seconds": {"type": "integer"},
            "billable_duration_seconds": {"type": "integer"},
            "amounts": {"type": "array", "items": _MONEY, "description": "One per currency"},
            "expenses": {
                "type": ["integer", "null"],
                "description": "null when no expense report was part of the check",
            },
            "expense_amounts": {"type": "array", "items": _MONEY},
            "text": {"type": "string", "description": "The line, in the report's language"},
        },
    },
    "Draft": {
        "type": "object",
        "required": ["key", "number", "client", "currency", "total", "total_formatted"],
        "properties": {
            "key": STRING,
            **_INVOICE_FIELDS,
            "issued_number": {"type": ["string", "null"]},
        },
    },
    "Job": {
        "type": "object",
        "required": ["id", "kind", "state", "progress", "error", "cached", "created_at"],
        "properties": {
            "id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "kind": {"type": "string", "enum": [*(k.value for k in ReportKind), "test_email"]},
            "state": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            "progress": {
                "type": "object",
                "required": ["stage", "entries", "pages"],
                "properties": {
                    "stage": STRING,
                    "entries": {"type": "integer"},
                    "pages": {"type": "integer", "description": "Clockify requests so far"},
                },
            },
            "error": {"oneOf": [{"type": "null"}, ref("Error")]},
            "cached": {"type": "boolean"},
            "request": {"type": "object"},
            "created_at": _STAMP,
            "finished_at": {"type": ["string", "null"], "format": "date-time"},
            "result": {
                "type": ["object", "null"],
                "description": "Reports: html, totals, check, invoices (detailed: rows). "
                "Test emails: recipients, subject",
                "properties": {
                    "html": STRING,
                    "totals": ref("Totals"),
                    "check": {
                        "oneOf": [{"type": "null"}, ref("Check")],
                        "description": "null for a report not checked against Clockify",
                    },
                    "invoices": {"type": "array", "items": ref("Draft")},
                    "rows": {
                        "type": "object",
                        "description": "Detailed reports: the preview shows `shown` of `total` "
                        "entries (every one is in the CSV/XLSX downloads); `max` is the most a "
                        "detailed report holds",
                        "required": ["shown", "total", "max", "non_work", "left_out"],
                        "additionalProperties": False,
                        "properties": {
                            "shown": {"type": "integer"},
                            "total": {"type": "integer"},
                            "max": {"type": "integer"},
                            "non_work": ref("Totals"),
                            "left_out": {
                                "type": "integer",
                                "description": "Breaks, holidays, time off left out (EXCLUDE)",
                            },
                        },
                    },
                },
            },
        },
    },
    "Marking": {
        "type": "object",
        "required": ["state", "error", "marked_at", "entries", "expenses"],
        "additionalProperties": False,
        "properties": {
            "state": {
                **enum_of(MarkingState),
                "description": "off: not asked; pending: not finished; failed: see error",
            },
            "error": {"type": ["string", "null"]},
            "marked_at": {"type": ["string", "null"], "format": "date-time"},
            "entries": {"type": "integer", "description": "Time entries the invoice bills"},
            "expenses": {
                "type": "integer",
                "description": "Expenses it bills; Clockify has no documented way to mark them",
            },
        },
    },
    "Invoice": {
        "type": "object",
        "required": [
            "number",
            "client",
            "currency",
            "total",
            "issue_date",
            "due_date",
            "clockify",
        ],
        "properties": {**_INVOICE_FIELDS, "issued_at": _STAMP, "clockify": ref("Marking")},
    },
    "InvoiceList": {
        "type": "object",
        "required": ["invoices"],
        "properties": {"invoices": {"type": "array", "items": ref("Invoice")}},
    },
}
