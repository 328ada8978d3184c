"""`WorkspaceNames` over a real sandbox: rows that carry only ids get the names Clockify lists,
and only the listings a report actually lacks are read (none when nothing is missing)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from addon.clockify.client import ClockifyClient, Endpoints
from addon.clockify.names import WorkspaceNames, fill_entries, fill_expenses
from addon.clockify.transport import Transport
from addon.manifest import SCOPES
from addon.reports.model import Ref, TimeEntry
from addon.secret import Secret
from addon.store.db import create_db_engine
from addon.store.migrate import upgrade
from addon.store.permits import RateLimiter
from sandbox import GUIDE, OFFICIAL, TokenIssuer
from sandbox.tokens import ApiUrls
from tests.integration.reports_helpers import CURRENCY, Reports, open_reports


@pytest.fixture(scope="module")
def reports(issuer: TokenIssuer) -> Iterator[Reports]:
    """A generated workspace with tasks, tags and clients, installed with the add-on's scopes."""
    with open_reports(issuer, seed=29, entries=200, scopes=SCOPES) as found:
        yield found


@pytest.fixture(scope="module")
def limiter(tmp_path_factory: pytest.TempPathFactory) -> RateLimiter:
    database = tmp_path_factory.mktemp("names") / "limits.sqlite3"
    upgrade(f"sqlite:///{database}")
    return RateLimiter(create_db_engine(f"sqlite:///{database}"))


@pytest.fixture
def client(reports: Reports, limiter: RateLimiter) -> Iterator[ClockifyClient]:
    workspace = reports.workspace
    urls = ApiUrls.for_sandbox(reports.sandbox.url, workspace.region, workspace.subdomain)
    token = reports.session.headers["X-Addon-Token"]
    assert isinstance(token, str)
    transport = Transport(Secret(token), limiter.for_workspace(workspace.id))
    endpoints = Endpoints(workspace.id, urls.backend_url, urls.reports_url)
    with ClockifyClient(endpoints, transport, currency=CURRENCY) as made:
        yield made


def _ids_only(entry: TimeEntry) -> TimeEntry:
    def bare(ref: Ref | None) -> Ref | None:
        return None if ref is None else Ref(ref.id, "")

    return replace(
        entry,
        project=bare(entry.project),
        client=None,
        task=bare(entry.task),
        tags=tuple(Ref(tag.id, "") for tag in entry.tags),
    )


def _listings(reports: Reports, since: int) -> list[str]:
    records = reports.sandbox.state.recorder.records(reports.workspace.id)[since:]
    return [Path(r.path).name if "/tasks" not in r.path else "tasks" for r in records]


def test_entries_with_every_name_cost_no_request(reports: Reports, client: ClockifyClient) -> None:
    entries = [e for e in reports.entries(OFFICIAL) if e.project is None or e.client is not None]

    filled = list(fill_entries(entries, WorkspaceNames(client)))

    assert filled == entries
    assert client.transport.stats.requests == 0


def test_rows_with_only_ids_get_the_names_the_workspace_lists(
    reports: Reports, client: ClockifyClient
) -> None:
    official = reports.entries(OFFICIAL)
    assert any(e.task for e in official) and any(e.tags for e in official)
    since = len(reports.sandbox.state.recorder.records(reports.workspace.id))

    filled = list(fill_entries(map(_ids_only, official), WorkspaceNames(client)))

    assert filled == official
    asked = _listings(reports, since)
    # users had names, and the projects listing names each project's client
    assert sorted(set(asked)) == ["projects", "tags", "tasks"]
    assert asked.count("projects") == asked.count("tags") == 1
    projects_with_tasks = {e.project.id for e in official if e.task and e.project}
    assert asked.count("tasks") == len(projects_with_tasks)


def test_expenses_get_their_projects_client(reports: Reports, client: ClockifyClient) -> None:
    page = reports.expenses(GUIDE, "expenses")
    assert page.entries and all(e.client is None for e in page.entries)

    filled = list(fill_expenses(page.entries, WorkspaceNames(client)))

    workspace = reports.workspace
    for expense in filled:
        assert expense.project is not None
        client_id = workspace.projects[expense.project.id].client_id
        if client_id:
            assert expense.client == Ref(client_id, workspace.clients[client_id].name)
        else:
            assert expense.client is None
    assert any(e.client is not None for e in filled)
