"""The client as the add-on builds it (`clockify_for`): from the stored installation, with the
shared limiter, on SQLite and PostgreSQL; a token Clockify rejects flags the installation; threads
and processes sharing one workspace stay within 50 requests in any second, as the sandbox saw."""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from multiprocessing.queues import Queue

import pytest

from addon.clockify.client import ClockifyClient, Endpoints
from addon.clockify.errors import ClockifyTokenRejected
from addon.clockify.transport import Transport
from addon.errors import Conflict, NotInstalled
from addon.runtime import Runtime
from addon.secret import Secret
from addon.services.installations import clockify_for
from addon.store.db import create_db_engine
from addon.store.permits import RateLimiter
from addon.store.repositories import get_installation
from sandbox import SandboxServer, TokenIssuer
from sandbox.data import Workspace
from sandbox.generator import generate_workspace
from sandbox.recorder import RequestRecord, busiest_window
from sandbox.tokens import ApiUrls
from tests.clockify import ClockifyActions, install_in_sandbox


@dataclass
class Site:
    sandbox: SandboxServer
    workspace: Workspace

    @property
    def urls(self) -> ApiUrls:
        ws = self.workspace
        return ApiUrls.for_sandbox(self.sandbox.url, ws.region, ws.subdomain)


@pytest.fixture(scope="module")
def site(issuer: TokenIssuer) -> Iterator[Site]:
    with SandboxServer(issuer) as sandbox:
        workspace = generate_workspace(
            sandbox.state,
            41,
            entries=150,
            expenses=5,
            start=date(2025, 1, 1),
            end=date(2025, 1, 31),
            currencies=("EUR",),
        )
        yield Site(sandbox, workspace)


@pytest.fixture
def installed(clockify: ClockifyActions, site: Site) -> ClockifyActions:
    """The add-on installed in the sandbox's workspace through a real INSTALLED callback."""
    site.sandbox.state.recorder.reset()
    clockify.workspace_id = site.workspace.id
    clockify.urls = site.urls
    _register(site, clockify)
    return clockify


_issued = itertools.count(int(time.time()) - 3_600)


def _register(site: Site, clockify: ClockifyActions) -> str:
    # A distinct, increasing, past `iat` per call: each reinstall brings a new token.
    return install_in_sandbox(clockify, site.sandbox.state, site.workspace, issued_at=next(_issued))


def _since(site: Site, started: float) -> list[RequestRecord]:
    """Answered requests that arrived after `started` (a monotonic time, shared by processes)."""
    records = site.sandbox.state.recorder.records(site.workspace.id)
    return [r for r in records if r.status and r.monotonic >= started]


def _needs_reinstall(runtime: Runtime, workspace_id: str) -> bool:
    with runtime.sessions() as session:
        found = get_installation(session, workspace_id)
        assert found is not None
        return found.needs_reinstall


def test_client_for_an_installed_workspace_reads_its_reports(
    runtime: Runtime, installed: ClockifyActions, site: Site
) -> None:
    from addon.clockify.queries import ReportFilter
    from addon.reports.periods import DateRange

    query = ReportFilter(DateRange(date(2025, 1, 1), date(2025, 1, 31)), "Europe/Berlin")
    with clockify_for(runtime, site.workspace.id) as client:
        entries = list(client.detailed(query))

    assert {e.id for e in entries} == {e.id for e in site.workspace.entries if e.end}


def test_a_learned_range_limit_is_kept_for_the_installation_not_relearned_per_report(
    runtime: Runtime, installed: ClockifyActions, site: Site
) -> None:
    from addon.clockify.queries import ReportFilter
    from addon.reports.periods import DateRange

    quarter = ReportFilter(DateRange(date(2025, 1, 1), date(2025, 3, 31)), "Europe/Berlin")
    site.workspace.plan = "FREE"  # the sandbox refuses ranges over 31 days on FREE (400)
    try:
        started = time.monotonic()
        with clockify_for(runtime, site.workspace.id) as client:
            first = list(client.detailed(quarter))
        learning = [r.status for r in _since(site, started) if "/reports/" in r.path]
        started = time.monotonic()
        with clockify_for(runtime, site.workspace.id) as client:  # a new client, as per job
            again = list(client.detailed(quarter))
        known = [r.status for r in _since(site, started) if "/reports/" in r.path]
    finally:
        site.workspace.plan = "PRO"

    assert {e.id for e in first} == {e.id for e in again} == {e.id for e in site.workspace.entries}
    assert learning.count(400) == 2  # the quarter refused at both page sizes, once
    assert 400 not in known and len(known) == 3  # straight to months: Jan, Feb, Mar
    with runtime.sessions() as session:
        stored = get_installation(session, site.workspace.id)
        assert stored is not None
        assert (stored.report_range_service, stored.report_page_size) == ("MONTHS", 1000)


def test_a_rejected_token_flags_the_installation_until_it_is_reinstalled(
    runtime: Runtime, installed: ClockifyActions, site: Site
) -> None:
    site.sandbox.state.remove_installation(installed.addon_id)  # revoked, no DELETED sent

    with clockify_for(runtime, site.workspace.id) as client, pytest.raises(ClockifyTokenRejected):
        client.workspace()

    assert _needs_reinstall(runtime, site.workspace.id)
    with pytest.raises(Conflict, match="reinstall"):
        clockify_for(runtime, site.workspace.id)

    _register(site, installed)  # the admin reinstalls: a new token arrives

    assert not _needs_reinstall(runtime, site.workspace.id)
    with clockify_for(runtime, site.workspace.id) as client:
        assert client.workspace().id == site.workspace.id


def test_a_rejection_of_an_older_token_does_not_flag_a_newer_installation(
    runtime: Runtime, installed: ClockifyActions, site: Site
) -> None:
    old = clockify_for(runtime, site.workspace.id)
    site.sandbox.state.remove_installation(installed.addon_id)
    installed.addon_id = "65a1b2c3d4e5f60718293a4c"
    _register(site, installed)  # reinstalled meanwhile: the old client's token is revoked

    with old, pytest.raises(ClockifyTokenRejected):
        old.workspace()

    assert not _needs_reinstall(runtime, site.workspace.id)


def test_unknown_and_inactive_workspaces_get_no_client(
    runtime: Runtime, installed: ClockifyActions, site: Site
) -> None:
    with pytest.raises(NotInstalled):
        clockify_for(runtime, "0" * 24)

    assert installed.set_status("INACTIVE").status_code == 200

    with pytest.raises(Conflict, match="inactive"):
        clockify_for(runtime, site.workspace.id)


def test_threads_sharing_a_workspace_stay_within_50_requests_per_second(
    runtime: Runtime, installed: ClockifyActions, site: Site
) -> None:
    errors: list[BaseException] = []
    started = time.monotonic()  # records of earlier tests may still be arriving

    def worker() -> None:
        try:
            with clockify_for(runtime, site.workspace.id) as client:
                for _ in range(20):
                    client.workspace()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    records = _since(site, started)
    assert errors == []
    assert len(records) == 120
    assert all(r.status == 200 for r in records)  # not a single 429
    assert busiest_window(records) <= 50


def _process_worker(
    db_url: str, token: str, workspace_id: str, urls: ApiUrls, calls: int, queue: Queue[str]
) -> None:
    engine = create_db_engine(db_url)
    try:
        transport = Transport(Secret(token), RateLimiter(engine).for_workspace(workspace_id))
        endpoints = Endpoints(workspace_id, urls.backend_url, urls.reports_url)
        with ClockifyClient(endpoints, transport) as client:
            for _ in range(calls):
                client.workspace()
        queue.put("ok")
    except Exception as exc:
        queue.put(f"{type(exc).__name__}: {exc}")
    finally:
        engine.dispose()


def test_processes_sharing_a_workspace_stay_within_50_requests_per_second(
    runtime: Runtime, installed: ClockifyActions, site: Site
) -> None:
    token = installed.sent[-1]
    started = time.monotonic()
    context = multiprocessing.get_context("spawn")
    queue: Queue[str] = context.Queue()
    args = (runtime.settings.database_url, token, site.workspace.id, site.urls, 40, queue)
    processes = [context.Process(target=_process_worker, args=args) for _ in range(3)]
    for process in processes:
        process.start()
    outcomes = [queue.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=30)

    records = _since(site, started)
    assert outcomes == ["ok"] * 3
    assert len(records) == 120
    assert all(r.status == 200 for r in records)
    assert busiest_window(records) <= 50
