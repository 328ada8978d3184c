"""A real sandbox with a generated, installed workspace, and the add-on's side of its Reports API.

Shared by the shape tests: one currency (so rows without a currency field can fall back to it),
300 entries over the first quarter of 2025, and a genuine installation token.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import jwt
import requests

from addon.clockify.entries import parse_detailed_page
from addon.clockify.expenses import ExpensePage, parse_expense_page
from addon.reports.model import TimeEntry
from sandbox import GUIDE, LIVE, OFFICIAL, SandboxServer, ShapeMode, TokenIssuer
from sandbox.data import Workspace
from sandbox.generator import generate_workspace
from sandbox.manifests import parse_manifest
from tests.sandbox.conftest import ADDON_KEY, make_manifest

__all__ = ["CURRENCY", "PAGE_SIZE", "PERIOD", "Reports", "open_reports", "shape_name"]

CURRENCY = "EUR"
PERIOD = {"dateRangeStart": "2025-01-01T00:00:00", "dateRangeEnd": "2025-03-31T23:59:59.999"}
PAGE_SIZE = 200


class Reports:
    """The add-on's side of the Reports API: its token, the URL its claims name, one session."""

    def __init__(self, sandbox: SandboxServer, workspace: Workspace, token: str) -> None:
        self.sandbox = sandbox
        self.workspace = workspace
        claims = jwt.decode(token, options={"verify_signature": False})
        self.base = f"{claims['reportsUrl']}/v1/workspaces/{workspace.id}/reports"
        self.session = requests.Session()
        self.session.headers["X-Addon-Token"] = token

    def post(self, kind: str, body: dict[str, Any], shape: ShapeMode | None = None) -> object:
        """The parsed JSON (floats as `Decimal`) of one report, served in `shape` if given."""
        if shape is not None:
            self.sandbox.state.set_shape(self.workspace.id, shape)
        for _ in range(5):  # the sandbox enforces Clockify's 50 requests/s: honour Retry-After
            response = self.session.post(f"{self.base}/{kind}", json=body, timeout=30)
            if response.status_code != 429:
                break
            time.sleep(min(float(response.headers.get("Retry-After", "1")), 2.0))
        assert response.status_code == 200, response.text
        parsed: object = json.loads(response.text, parse_float=Decimal)
        return parsed

    def entries(self, shape: ShapeMode) -> list[TimeEntry]:
        self.sandbox.state.set_shape(self.workspace.id, shape)
        entries: list[TimeEntry] = []
        for page in range(1, 100):
            body = {**PERIOD, "detailedFilter": {"page": page, "pageSize": PAGE_SIZE}}
            parsed = parse_detailed_page(self.post("detailed", body), currency_fallback=CURRENCY)
            entries.extend(parsed.entries)
            if parsed.count < PAGE_SIZE:
                return entries
        raise AssertionError("the detailed report never ended")

    def expenses(self, shape: ShapeMode, kind: str) -> ExpensePage:
        paging = {"page": 1, "pageSize": PAGE_SIZE}
        body = (
            {**PERIOD, **paging}
            if kind == "expenses/detailed"
            else {**PERIOD, "expenseFilter": paging}
        )
        return parse_expense_page(self.post(kind, body, shape), currency_fallback=CURRENCY)


@contextmanager
def open_reports(
    issuer: TokenIssuer,
    *,
    seed: int = 23,
    entries: int = 300,
    scopes: Sequence[str] | None = None,
) -> Iterator[Reports]:
    """A sandbox serving one generated workspace with the add-on installed; stopped on exit.

    `scopes` replaces the test manifest's (reports and workspace only) where a test needs more.
    """
    with SandboxServer(issuer) as sandbox:
        workspace = generate_workspace(
            sandbox.state,
            seed,
            entries=entries,
            expenses=30,
            start=date(2025, 1, 1),
            end=date(2025, 3, 31),
            currencies=(CURRENCY,),
        )
        document = make_manifest("http://127.0.0.1:9")
        if scopes is not None:
            document["scopes"] = list(scopes)
        manifest = parse_manifest(document, expected_key=ADDON_KEY)
        token = sandbox.register_installation(workspace, manifest).auth_token
        client = Reports(sandbox, workspace, token)
        try:
            yield client
        finally:
            client.session.close()


def shape_name(shape: ShapeMode) -> str:
    """A short test id: the preset's name, or the fields that differ from the official shape."""
    named = {LIVE: "live", GUIDE: "guide", OFFICIAL: "official"}
    changed = {k: v for k, v in shape.as_json().items() if OFFICIAL.as_json()[k] != v}
    return named.get(shape) or ",".join(f"{k}={v}" for k, v in changed.items())
