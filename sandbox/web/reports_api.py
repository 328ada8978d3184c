"""Clockify's Reports API (`{reportsUrl}/v1/workspaces/<ws>/reports/...`): not built yet.

Mounted at `/reports` (global) and `/regions/<region>/report` (regional), mirroring
`reports.api.clockify.me` and `<region>.clockify.me/report`; the region is popped into
`g.region`. The detailed, summary and expense reports land here with their issue.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g

__all__ = ["bp"]

bp = Blueprint("reports_api", __name__)


@bp.url_value_preprocessor
def _pop_region(endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.region = values.pop("region", None) if values else None
