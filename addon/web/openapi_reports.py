"""The OpenAPI description of the report APIs (`api_workspace`, `api_reports`, `api_invoices`).

Kept beside `addon.web.openapi` (which merges it into the served document) so each API module's
contract sits in one place; the answers' schemas are in `addon.web.openapi_report_schemas`. The
tests validate real responses against these schemas. Request bodies (`ReportRequest`,
`IssueRequest`, `TestEmailRequest`) are generated from their Structs by `addon.web.openapi_bodies`;
responses refer to the enums generated with them.
"""

from __future__ import annotations

from typing import Any, Final

from addon.render.files import FileFormat
from addon.web.openapi_bodies import request_body
from addon.web.openapi_report_schemas import (
    CLOCKIFY,
    ERRORS,
    REPORT_SCHEMAS,
    STRING,
    enum_of,
    error,
    json_body,
    ref,
)

__all__ = ["REPORT_SCHEMAS", "report_paths"]


def _op(summary: str, ok: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {**ok, **ERRORS}, **extra}


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
    "schema": enum_of(FileFormat),
}
_JOB: Final = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}


def report_paths() -> dict[str, Any]:
    job = json_body(ref("Job"), "The job")
    conflict = {"409": error("The job is not done, or the draft was already issued")}
    return {
        "/api/workspace": {
            "get": _op(
                "The workspace, its filter lists and the report defaults",
                {"200": json_body(ref("Workspace"), ""), **CLOCKIFY},
                parameters=[
                    {"name": "refresh", "in": "query", "schema": {"type": "string"}},
                ],
            )
        },
        "/api/reports": {
            "post": _op(
                "Queue a summary or invoice report (202), or serve an identical cached one (200)",
                {
                    "200": json_body(ref("Job"), "A finished identical report (cached)"),
                    "202": json_body(ref("Job"), "Queued; poll Location"),
                    "422": error("Invalid request; `field` names the input"),
                    "429": error("Too many reports in progress for this workspace"),
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
                    "422": error("No such draft"),
                },
            ),
        },
        "/api/invoices": {
            "get": _op("Issued invoices, newest first", {"200": json_body(ref("InvoiceList"), "")}),
            "post": _op(
                "Issue a draft: the next number of the sequence, exactly once",
                {
                    "201": json_body(ref("Invoice"), "Issued"),
                    "422": error("Not an invoice job, no such draft, or a bad number pattern"),
                    **conflict,
                },
                requestBody=request_body("POST /api/invoices"),
            ),
        },
        "/api/invoices/{number}/download": {
            "parameters": [
                {"name": "number", "in": "path", "required": True, "schema": STRING},
                _FORMAT,
            ],
            "get": _op("An issued invoice, exactly as issued", _files("The file")),
        },
        "/api/invoices/{number}/mark": {
            "parameters": [{"name": "number", "in": "path", "required": True, "schema": STRING}],
            "post": _op(
                "Mark the invoice's time entries invoiced in Clockify (again); see `clockify`",
                {"200": json_body(ref("Invoice"), "The invoice, with how marking went")},
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
                    "422": error("Invalid recipients"),
                    "429": error("Too many jobs in progress"),
                },
                requestBody=request_body("POST /api/schedules/{id}/test", required=False),
            ),
        },
    }
