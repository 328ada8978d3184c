"""The OpenAPI description of the report APIs (`api_workspace`, `api_reports`, `api_invoices`).

Kept beside `addon.web.openapi` (which merges it into the served document) so each API module's
contract sits in one place. The tests validate real responses against these schemas. Request
bodies (`ReportRequest`, `IssueRequest`, `TestEmailRequest`) are generated from their Structs by
`addon.web.openapi_bodies`; responses refer to the enums generated with them.
"""

from __future__ import annotations

from typing import Any, Final

from addon.render.files import FileFormat
from addon.services.bodies import ReportKind
from addon.services.marking import MarkingState
from addon.web.openapi_bodies import REF, request_body

__all__ = ["REPORT_SCHEMAS", "report_paths"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def _enum(values: Any) -> dict[str, Any]:
    return {"type": "string", "enum": [v.value for v in values]}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


_ERRORS: Final = {
    "400": _error("Malformed input, naming the field where known"),
    "401": _error("No, forged or expired session (`session_expired`)"),
    "403": _error("Not an owner or admin, or a foreign Origin"),
    "404": _error("No such job or invoice in the session's workspace"),
    "415": _error("A body that is not Content-Type: application/json"),
}
_CLOCKIFY: Final = {
    "422": _error("Invalid input (`field` names it) or Clockify refused the request"),
    "502": _error("Clockify answered in a way we do not understand"),
    "503": _error("Clockify is unavailable, or the add-on must be reinstalled"),
}
_STRING: Final = {"type": "string"}
_DATE: Final = {"type": "string", "format": "date"}
_STAMP: Final = {"type": "string", "format": "date-time"}
_NAMED: Final = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["id", "name"],
        "additionalProperties": False,
        "properties": {"id": _STRING, "name": _STRING},
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
    "number": _STRING,
    "client": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": _STRING, "name": _STRING},
    },
    "currency": _STRING,
    "total": _MONEY,
    "total_formatted": _STRING,
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
                "properties": {"id": _STRING, "name": _STRING, "currency": _STRING},
            },
            "user": {
                "type": "object",
                "required": ["id", "role"],
                "properties": {"id": _STRING, "role": _STRING},
            },
            "defaults": {
                "type": "object",
                "required": ["zone", "locale", "week_start", "durations"],
                "properties": {
                    "zone": {"type": ["string", "null"]},
                    "locale": _STRING,
                    "week_start": _ref("Weekday"),
                    "durations": _ref("DurationStyle"),
                },
            },
            "invoice_defaults": {
                "type": "object",
                "required": ["grouping", "due_days", "tax_percent", "second_tax_percent"],
                "properties": {
                    "grouping": _ref("LineGrouping"),
                    "due_days": {"type": "integer"},
                    "tax_percent": _STRING,
                    "second_tax_percent": _STRING,
                    "number_pattern": _STRING,
                    "notes": _STRING,
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
                        "id": _STRING,
                        "name": _STRING,
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
            "key": _STRING,
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
                    "stage": _STRING,
                    "entries": {"type": "integer"},
                    "pages": {"type": "integer", "description": "Clockify requests so far"},
                },
            },
            "error": {"oneOf": [{"type": "null"}, _ref("Error")]},
            "cached": {"type": "boolean"},
            "request": {"type": "object"},
            "created_at": _STAMP,
            "finished_at": {"type": ["string", "null"], "format": "date-time"},
            "result": {
                "type": ["object", "null"],
                "description": "Reports: html, totals, check, invoices (detailed: rows). "
                "Test emails: recipients, subject",
                "properties": {
                    "html": _STRING,
                    "totals": _ref("Totals"),
                    "check": {
                        "oneOf": [{"type": "null"}, _ref("Check")],
                        "description": "null for a report not checked against Clockify",
                    },
                    "invoices": {"type": "array", "items": _ref("Draft")},
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
                            "non_work": _ref("Totals"),
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
                **_enum(MarkingState),
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
        "properties": {**_INVOICE_FIELDS, "issued_at": _STAMP, "clockify": _ref("Marking")},
    },
    "InvoiceList": {
        "type": "object",
        "required": ["invoices"],
        "properties": {"invoices": {"type": "array", "items": _ref("Invoice")}},
    },
}


def _op(summary: str, ok: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {**ok, **_ERRORS}, **extra}


def _files(description: str) -> dict[str, Any]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "200": {
            "description": description,
            "content": {
                "text/html": binary,
                "text/csv": binary,
                "application/pdf": binary,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": binary,
            },
        }
    }


_FORMAT: Final = {
    "name": "format",
    "in": "query",
    "required": True,
    "schema": _enum(FileFormat),
}
_JOB: Final = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}


def report_paths() -> dict[str, Any]:
    job = _json(_ref("Job"), "The job")
    conflict = {"409": _error("The job is not done, or the draft was already issued")}
    return {
        "/api/workspace": {
            "get": _op(
                "The workspace, its filter lists and the report defaults",
                {"200": _json(_ref("Workspace"), ""), **_CLOCKIFY},
                parameters=[
                    {"name": "refresh", "in": "query", "schema": {"type": "string"}},
                ],
            )
        },
        "/api/reports": {
            "post": _op(
                "Queue a summary or invoice report (202), or serve an identical cached one (200)",
                {
                    "200": _json(_ref("Job"), "A finished identical report (cached)"),
                    "202": _json(_ref("Job"), "Queued; poll Location"),
                    "422": _error("Invalid request; `field` names the input"),
                    "429": _error("Too many reports in progress for this workspace"),
                },
                requestBody=request_body("POST /api/reports"),
            )
        },
        "/api/jobs/{id}": {
            "parameters": [_JOB],
            "get": _op("A job's state, progress and, when done, its result", {"200": job}),
        },
        "/api/jobs/{id}/download": {
            "parameters": [
                _JOB,
                _FORMAT,
                {"name": "invoice", "in": "query", "schema": {"type": "string"}},
            ],
            "get": _op(
                "The finished report as a file (invoice jobs: one draft, by key)",
                {
                    **_files("The file, as an attachment"),
                    **conflict,
                    "422": _error("No such draft"),
                },
            ),
        },
        "/api/invoices": {
            "get": _op("Issued invoices, newest first", {"200": _json(_ref("InvoiceList"), "")}),
            "post": _op(
                "Issue a draft: the next number of the sequence, exactly once",
                {
                    "201": _json(_ref("Invoice"), "Issued"),
                    "422": _error("Not an invoice job, no such draft, or a bad number pattern"),
                    **conflict,
                },
                requestBody=request_body("POST /api/invoices"),
            ),
        },
        "/api/invoices/{number}/download": {
            "parameters": [
                {"name": "number", "in": "path", "required": True, "schema": _STRING},
                _FORMAT,
            ],
            "get": _op("An issued invoice, exactly as issued", _files("The file")),
        },
        "/api/invoices/{number}/mark": {
            "parameters": [{"name": "number", "in": "path", "required": True, "schema": _STRING}],
            "post": _op(
                "Mark the invoice's time entries invoiced in Clockify (again); see `clockify`",
                {"200": _json(_ref("Invoice"), "The invoice, with how marking went")},
            ),
        },
        "/api/schedules/{id}/test": {
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            ],
            "post": _op(
                "Send the schedule's email for its latest period now (a job)",
                {
                    "202": job,
                    "422": _error("Invalid recipients"),
                    "429": _error("Too many jobs in progress"),
                },
                requestBody=request_body("POST /api/schedules/{id}/test", required=False),
            ),
        },
    }
