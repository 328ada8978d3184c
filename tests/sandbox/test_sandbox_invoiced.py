"""`PATCH {backendUrl}/v1/workspaces/<ws>/time-entries/invoiced`: marking time (un)invoiced."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
import requests

from sandbox import SEED_WORKSPACE_ID, SandboxServer, SandboxState
from sandbox.data import Workspace
from tests.sandbox.conftest import READ_SCOPES, q1

if TYPE_CHECKING:
    from tests.sandbox.conftest import ApiClient

WRITE = "TIME_ENTRY_WRITE"
# The add-on's own scopes may or may not list the write yet; each test says which it wants.
WRITE_SCOPES = (*(s for s in READ_SCOPES if s != WRITE), WRITE)
NO_WRITE_SCOPES = tuple(s for s in READ_SCOPES if s != WRITE)
UNKNOWN_ID = "0123456789abcdef01234567"


def mark(client: ApiClient, body: Any = None, *, data: bytes | None = None) -> requests.Response:
    """PATCH the invoiced endpoint with a JSON `body`, or with raw `data` sent as JSON."""
    url = f"{client.backend_url}/v1/workspaces/{client.workspace_id}/time-entries/invoiced"
    if data is not None:
        headers = {"Content-Type": "application/json"}
        return client.session.patch(url, data=data, headers=headers, timeout=10)
    return client.session.patch(url, json=body, timeout=10)


def detailed_ids(client: ApiClient, state: str) -> set[str]:
    """The ids of the detailed report's rows for Q1 with `invoicingState` = `state`."""
    body = q1(detailedFilter={"page": 1, "pageSize": 1000}, invoicingState=state)
    response = client.report("detailed", body)
    assert response.status_code == 200, response.text
    rows = response.json()["timeEntries"]
    assert len(rows) < 1000  # one page holds them all
    return {row["get_id"] for row in rows}


def summary_count(client: ApiClient, state: str) -> int:
    body = q1(summaryFilter={"groups": ["PROJECT"]}, invoicingState=state)
    response = client.report("summary", body)
    assert response.status_code == 200, response.text
    count: int = response.json()["totals"][0]["entriesCount"]
    return count


def invoiced_flags(workspace: Workspace) -> dict[str, bool]:
    return {entry.id: entry.invoiced for entry in workspace.entries}


@pytest.fixture
def writer(connect: Callable[..., ApiClient], generated: Workspace) -> ApiClient:
    """The double on the generated workspace, with the read scopes and TIME_ENTRY_WRITE."""
    return connect(generated.id, scopes=WRITE_SCOPES)


def test_marking_entries_invoiced_moves_them_between_invoicing_states_in_reports(
    writer: ApiClient,
) -> None:
    uninvoiced_before = detailed_ids(writer, "UNINVOICED")
    invoiced_before = detailed_ids(writer, "INVOICED")
    counted_before = summary_count(writer, "INVOICED")
    picked = sorted(uninvoiced_before)[:5]

    response = mark(writer, {"timeEntryIds": picked, "invoiced": True})

    assert response.status_code == 200, response.text
    assert response.content == b""
    assert detailed_ids(writer, "UNINVOICED") == uninvoiced_before - set(picked)
    assert detailed_ids(writer, "INVOICED") == invoiced_before | set(picked)
    assert summary_count(writer, "INVOICED") == counted_before + 5


def test_marking_with_invoiced_false_returns_entries_to_uninvoiced(writer: ApiClient) -> None:
    invoiced_before = detailed_ids(writer, "INVOICED")
    uninvoiced_before = detailed_ids(writer, "UNINVOICED")
    picked = sorted(invoiced_before)[:3]

    response = mark(writer, {"timeEntryIds": picked, "invoiced": False})

    assert response.status_code == 200, response.text
    assert detailed_ids(writer, "INVOICED") == invoiced_before - set(picked)
    assert detailed_ids(writer, "UNINVOICED") == uninvoiced_before | set(picked)


def test_an_id_named_twice_or_already_marked_is_accepted(
    writer: ApiClient, generated: Workspace
) -> None:
    entry = next(e for e in generated.entries if e.invoiced)
    revision = generated.revision

    response = mark(writer, {"timeEntryIds": [entry.id, entry.id], "invoiced": True})

    assert response.status_code == 200, response.text
    assert invoiced_flags(generated)[entry.id] is True
    assert generated.revision == revision  # nothing changed, so cached reports stay valid


BAD_BODIES: list[tuple[str, Callable[[str], Any], bytes | None, str]] = [
    ("not-json", lambda e: None, b"{timeEntryIds: nope", "The request body must be a JSON object"),
    ("array", lambda e: [e], None, "The request body must be a JSON object"),
    ("string", lambda e: e, None, "The request body must be a JSON object"),
    (
        "ids-missing",
        lambda e: {"invoiced": True},
        None,
        "timeEntryIds is required: a list of time entry ids",
    ),
    (
        "ids-not-a-list",
        lambda e: {"timeEntryIds": e, "invoiced": True},
        None,
        "timeEntryIds must be a list of time entry ids (strings)",
    ),
    (
        "id-not-a-string",
        lambda e: {"timeEntryIds": [e, 7], "invoiced": True},
        None,
        "timeEntryIds must be a list of time entry ids (strings)",
    ),
    (
        "ids-empty",
        lambda e: {"timeEntryIds": [], "invoiced": True},
        None,
        "timeEntryIds must not be empty",
    ),
    (
        "invoiced-missing",
        lambda e: {"timeEntryIds": [e]},
        None,
        "invoiced is required: true or false",
    ),
    (
        "invoiced-null",
        lambda e: {"timeEntryIds": [e], "invoiced": None},
        None,
        "invoiced is required: true or false",
    ),
    (
        "invoiced-a-string",
        lambda e: {"timeEntryIds": [e], "invoiced": "true"},
        None,
        "invoiced must be true or false",
    ),
    (
        "invoiced-a-number",
        lambda e: {"timeEntryIds": [e], "invoiced": 1},
        None,
        "invoiced must be true or false",
    ),
    (
        "unknown-id",
        lambda e: {"timeEntryIds": [e, UNKNOWN_ID], "invoiced": True},
        None,
        f"Time entry {UNKNOWN_ID} doesn't belong to Workspace",
    ),
]


@pytest.mark.parametrize(
    ("body", "data", "message"),
    [pytest.param(body, data, message, id=name) for name, body, data, message in BAD_BODIES],
)
def test_a_bad_body_is_400_code_501_naming_the_problem_and_changes_nothing(
    writer: ApiClient,
    generated: Workspace,
    body: Callable[[str], Any],
    data: bytes | None,
    message: str,
) -> None:
    entry = next(e for e in generated.entries if not e.invoiced)
    flags, revision = invoiced_flags(generated), generated.revision

    response = mark(writer, body(entry.id), data=data)

    assert response.status_code == 400, response.text
    assert response.json() == {"message": message, "code": 501}
    assert invoiced_flags(generated) == flags
    assert generated.revision == revision


def test_unknown_ids_refuse_the_whole_request_naming_the_first(
    writer: ApiClient, generated: Workspace
) -> None:
    known = [e.id for e in generated.entries if not e.invoiced][:3]
    other = "fedcba9876543210fedcba98"
    uninvoiced_before = detailed_ids(writer, "UNINVOICED")

    response = mark(writer, {"timeEntryIds": [*known, UNKNOWN_ID, other], "invoiced": True})

    assert response.status_code == 400
    assert response.json()["message"] == f"Time entry {UNKNOWN_ID} doesn't belong to Workspace"
    assert detailed_ids(writer, "UNINVOICED") == uninvoiced_before


def test_an_entry_of_another_workspace_is_400_and_stays_unchanged(
    sandbox: SandboxServer, connect: Callable[..., ApiClient], generated: Workspace
) -> None:
    seeded_writer = connect(SEED_WORKSPACE_ID, scopes=WRITE_SCOPES)
    foreign = next(e for e in generated.entries if not e.invoiced)
    seeded = sandbox.state.workspace(SEED_WORKSPACE_ID)
    seeded_flags = invoiced_flags(seeded)

    response = mark(seeded_writer, {"timeEntryIds": [foreign.id], "invoiced": True})

    assert response.status_code == 400
    assert response.json() == {
        "message": f"Time entry {foreign.id} doesn't belong to Workspace",
        "code": 501,
    }
    assert invoiced_flags(generated)[foreign.id] is False
    assert invoiced_flags(seeded) == seeded_flags


def test_without_time_entry_write_scope_it_is_403_naming_the_scope(
    connect: Callable[..., ApiClient], generated: Workspace
) -> None:
    reader = connect(generated.id, scopes=NO_WRITE_SCOPES)
    entry = next(e for e in generated.entries if not e.invoiced)

    response = mark(reader, {"timeEntryIds": [entry.id], "invoiced": True})

    assert response.status_code == 403
    assert response.json() == {
        "message": f"Addon with id {reader.addon_id} does not have permission {WRITE}",
        "code": 403,
    }
    assert invoiced_flags(generated)[entry.id] is False


def test_at_most_1000_ids_are_accepted_per_request(writer: ApiClient, generated: Workspace) -> None:
    ids = [e.id for e in generated.entries if not e.invoiced]
    many = (ids * (1001 // len(ids) + 1))[:1001]  # real ids, repeated: only the count is wrong
    flags = invoiced_flags(generated)

    refused = mark(writer, {"timeEntryIds": many, "invoiced": True})

    assert refused.status_code == 400
    assert refused.json() == {
        "message": "timeEntryIds must not list more than 1000 ids (got 1001)",
        "code": 501,
    }
    assert invoiced_flags(generated) == flags
    accepted = mark(writer, {"timeEntryIds": many[:1000], "invoiced": True})
    assert accepted.status_code == 200, accepted.text
    assert all(invoiced_flags(generated)[i] for i in ids)


def test_marking_requests_are_recorded_like_any_other(
    sandbox: SandboxServer, writer: ApiClient, generated: Workspace
) -> None:
    entry = next(e for e in generated.entries if not e.invoiced)
    path = f"/api/v1/workspaces/{generated.id}/time-entries/invoiced"

    mark(writer, {"timeEntryIds": [entry.id], "invoiced": True})
    mark(writer, {"timeEntryIds": [], "invoiced": True})

    records = sandbox.state.recorder.records(generated.id)
    assert [(r.method, r.path, r.status) for r in records if r.method == "PATCH"] == [
        ("PATCH", path, 200),
        ("PATCH", path, 400),
    ]


def test_set_invoiced_counts_changes_and_bumps_the_revision_only_on_change() -> None:
    state = SandboxState(today=date(2026, 5, 15))
    ws = state.workspace(SEED_WORKSPACE_ID)
    fresh = [e.id for e in ws.entries if not e.invoiced][:2]
    revision = ws.revision

    changed = ws.set_invoiced([*fresh, fresh[0]], True)
    again = ws.set_invoiced(fresh, True)

    assert (changed, again) == (2, 0)
    assert ws.revision == revision + 1
    with pytest.raises(KeyError) as caught:
        ws.set_invoiced([fresh[0], UNKNOWN_ID], False)
    assert caught.value.args == (UNKNOWN_ID,)
    assert all(invoiced_flags(ws)[i] for i in fresh)


def test_reset_restores_the_seeded_invoicing_state() -> None:
    state = SandboxState(today=date(2026, 5, 15))
    ws = state.workspace(SEED_WORKSPACE_ID)
    seeded = invoiced_flags(ws)
    ws.set_invoiced(list(seeded), True)

    state.reset()

    assert invoiced_flags(state.workspace(SEED_WORKSPACE_ID)) == seeded
    assert not all(seeded.values())
