"""The add-on manifest, built from settings so every environment serves its own `baseUrl`.

The committed top-level `manifest.json` is this document for the default settings (a test keeps
the two identical and validates both against Clockify's official JSON Schema for the declared
`schemaVersion`).
"""

from __future__ import annotations

from typing import Any

from addon.settings import Settings

__all__ = ["LIFECYCLE_PATHS", "SCHEMA_VERSION", "SCOPES", "SETTING_DEFAULTS", "build_manifest"]

# 1.3 is the version the 2025 developer docs call latest and the Quick Start builds; it has every
# component, lifecycle and settings feature this add-on declares.
SCHEMA_VERSION = "1.3"

SIDEBAR_PATH = "/sidebar"

LIFECYCLE_PATHS = {
    "INSTALLED": "/lifecycle/installed",
    "DELETED": "/lifecycle/deleted",
    "STATUS_CHANGED": "/lifecycle/status-changed",
    "SETTINGS_UPDATED": "/lifecycle/settings-updated",
}

# Least privilege: read-only, and only what reports and invoices show. The README explains each.
SCOPES = (
    "REPORTS_READ",
    "WORKSPACE_READ",
    "USER_READ",
    "CLIENT_READ",
    "PROJECT_READ",
    "TASK_READ",
    "TAG_READ",
    "EXPENSE_READ",
    # The one write: issuing an invoice marks its time entries invoiced, so they are billed once.
    "TIME_ENTRY_WRITE",
)

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "ja_JP"]
ROUNDING_MINUTES = ["1", "5", "6", "10", "15", "30", "60"]


def _setting(
    setting_id: str, name: str, kind: str, value: Any, description: str, **extra: Any
) -> dict[str, Any]:
    return {
        "id": setting_id,
        "name": name,
        "type": kind,
        "value": value,
        "description": description,
        "accessLevel": "ADMINS",
        **extra,
    }


_INVOICE_SETTINGS = [
    _setting(
        "invoice-number-pattern",
        "Invoice number pattern",
        "TXT",
        "INV-{YYYY}-{seq:4}",
        "Tokens: {YYYY} {YY} {MM} {seq:N} {client}.",
        required=True,
    ),
    _setting(
        "billed-time-rounding",
        "Round billed time to (minutes)",
        "DROPDOWN_SINGLE",
        "1",
        "Billed time per entry is rounded to this step; actual time is always kept.",
        allowedValues=ROUNDING_MINUTES,
    ),
    _setting(
        "billed-time-rounding-mode",
        "Rounding direction",
        "DROPDOWN_SINGLE",
        "nearest",
        "Round billed time up, down or to the nearest step.",
        allowedValues=["up", "down", "nearest"],
    ),
    _setting("tax-percent", "Tax (%)", "NUMBER", 0, "Applied to the discounted subtotal."),
    _setting("second-tax-percent", "Second tax (%)", "NUMBER", 0, "Optional second tax."),
    _setting(
        "payment-terms-days",
        "Payment terms (days)",
        "NUMBER",
        30,
        "The due date is the issue date plus this many days.",
    ),
    _setting(
        "mark-invoiced",
        "Mark invoiced time in Clockify",
        "CHECKBOX",
        True,
        "Issuing an invoice marks its time entries as invoiced, so no later invoice bills them.",
    ),
]

_REPORT_SETTINGS = [
    _setting(
        "report-locale",
        "Number and date format",
        "DROPDOWN_SINGLE",
        "en_US",
        "How amounts, hours and dates are written in reports, invoices and emails.",
        allowedValues=LOCALES,
    ),
    _setting(
        "week-start",
        "First day of the week",
        "DROPDOWN_SINGLE",
        "MONDAY",
        "Used by weekly reports and weekly schedules.",
        allowedValues=["MONDAY", "SUNDAY"],
    ),
    _setting(
        "email-sender-name",
        "Email sender name",
        "TXT",
        "Reports & Invoices",
        "Shown as the sender of scheduled report emails.",
    ),
]

SETTING_DEFAULTS: dict[str, Any] = {
    s["id"]: s["value"] for s in (*_INVOICE_SETTINGS, *_REPORT_SETTINGS)
}


def build_manifest(settings: Settings) -> dict[str, Any]:
    """The manifest document for `settings.public_url` (no trailing slash, paths start with /)."""
    return {
        "schemaVersion": SCHEMA_VERSION,
        "key": settings.addon_key,
        "name": settings.addon_name,
        "description": (
            "Summary reports and invoices from your tracked time: live in the sidebar, "
            "downloadable as HTML, CSV, XLSX and PDF, and emailed on your schedule."
        ),
        "baseUrl": settings.public_url,
        "minimalSubscriptionPlan": "FREE",
        "scopes": list(SCOPES),
        "lifecycle": [{"type": kind, "path": path} for kind, path in LIFECYCLE_PATHS.items()],
        "components": [
            {
                "type": "sidebar",
                "accessLevel": "ADMINS",
                "path": SIDEBAR_PATH,
                "label": "Reports & Invoices",
            }
        ],
        "settings": {
            "tabs": [
                {
                    "id": "invoices",
                    "name": "Invoices",
                    "header": {"title": "Invoice defaults"},
                    "settings": _INVOICE_SETTINGS,
                },
                {
                    "id": "reports",
                    "name": "Reports",
                    "header": {"title": "Report and email defaults"},
                    "settings": _REPORT_SETTINGS,
                },
            ]
        },
    }
