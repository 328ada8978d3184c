"""Clockify's regular API (`{backendUrl}/v1/...`, `{backendUrl}/addon/...`): not built yet.

`create_sandbox_app` mounts this blueprint twice, at `/api` (global) and at
`/regions/<region>/api` (regional); the region is popped into `g.region` before a view runs,
so one view serves both and can refuse a token whose workspace lives in another region.
Endpoints land here with the issue that adds them (settings, users, clients, projects, ...).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g

__all__ = ["bp"]

bp = Blueprint("api", __name__)


@bp.url_value_preprocessor
def _pop_region(endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.region = values.pop("region", None) if values else None
