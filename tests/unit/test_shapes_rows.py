"""Every documented detailed-report and expense row variant parses, and every clash is refused.

Rows come in the report spec's flat form (`projectId`, `projectName`, `clientId`, ...), in the
regular API's nested form (`project{id,name,clientId,clientName}`, `user{id,name}`, `task{}`,
`client{}`), with tags as objects or only as `tagIds`, and with or without `type`
(real-behaviour.md §3). Where a row carries two forms of one field they must agree, and the
error names the JSON path, so a report is never quietly short of a project or a client.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from addon.clockify.entries import parse_detailed_page
from addon.clockify.errors import ClockifyResponseError
from addon.clockify.expenses import parse_expense_page
from addon.reports.model import EntryType, Expense, Ref, TimeEntry
from addon.reports.money import Money

INTERVAL = {
    "start": "2025-01-02T09:00:00Z",
    "end": "2025-01-02T11:00:00Z",
    "duration": 7200,
}


_DROP = object()  # a field the row leaves out altogether


def _row(**fields: object) -> dict[str, object]:
    row: dict[str, object] = {
        "_id": "e1",
        "description": "Design",
        "billable": True,
        "timeInterval": INTERVAL,
        "userId": "u1",
        "userName": "Ada",
    }
    row.update(fields)
    return {key: value for key, value in row.items() if value is not _DROP}


def _entry(fallback: str = "EUR", **fields: object) -> TimeEntry:
    page = parse_detailed_page({"timeentries": [_row(**fields)]}, currency_fallback=fallback)
    (entry,) = page.entries
    return entry


def _refused(field: str, **fields: object) -> None:
    with pytest.raises(ClockifyResponseError, match=field):
        parse_detailed_page({"timeentries": [_row(**fields)]}, currency_fallback="EUR")


# -- type ---------------------------------------------------------------------------------------


def test_a_row_without_type_is_regular_work() -> None:
    assert _entry().type is EntryType.REGULAR


@pytest.mark.parametrize("kind", list(EntryType))
def test_each_documented_type_is_read(kind: EntryType) -> None:
    assert _entry(type=kind.value).type is kind


@pytest.mark.parametrize("value", ["OVERTIME", "regular", 3, True, ""])
def test_an_unknown_or_mistyped_type_is_refused_naming_the_field(value: object) -> None:
    _refused(r"timeentries\[0\]\.type", type=value)


# -- project and client -------------------------------------------------------------------------


def test_flat_project_and_client_are_read() -> None:
    entry = _entry(projectId="p1", projectName="Site", clientId="c1", clientName="Acme")

    assert (entry.project, entry.client) == (Ref("p1", "Site"), Ref("c1", "Acme"))


def test_a_nested_project_gives_both_the_project_and_its_client() -> None:
    project = {"id": "p1", "name": "Site", "color": "#000", "clientId": "c1", "clientName": "Acme"}

    entry = _entry(project=project)

    assert (entry.project, entry.client) == (Ref("p1", "Site"), Ref("c1", "Acme"))


def test_a_nested_client_object_is_read() -> None:
    entry = _entry(project={"id": "p1", "name": "Site"}, client={"id": "c1", "name": "Acme"})

    assert entry.client == Ref("c1", "Acme")


def test_a_nested_project_without_a_name_keeps_its_id_for_the_name_lookup() -> None:
    entry = _entry(project={"id": "p1"})

    assert entry.project == Ref("p1", "")
    assert entry.client is None


def test_flat_and_nested_forms_that_agree_merge_their_names() -> None:
    entry = _entry(projectId="p1", projectName="", project={"id": "p1", "name": "Site"})

    assert entry.project == Ref("p1", "Site")


@pytest.mark.parametrize("empty", [None, ""])
def test_a_row_that_names_no_project_in_any_form_has_none(empty: object) -> None:
    entry = _entry(projectId=empty, projectName=empty, clientId="", clientName="")

    assert (entry.project, entry.client) == (None, None)


def test_a_null_nested_project_means_no_project() -> None:
    assert _entry(project=None).project is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"projectId": "p1", "project": {"id": "p2"}}, r"timeentries\[0\]\.projectId"),
        ({"projectId": "", "project": {"id": "p2"}}, r"timeentries\[0\]\.projectId"),
        ({"projectId": "p1", "project": None}, r"timeentries\[0\]\.projectId"),
        (
            {"project": {"id": "p1", "name": "Site"}, "projectName": "Shop", "projectId": "p1"},
            r"timeentries\[0\]\.projectName",
        ),
        (
            {"project": {"id": "p1", "clientId": "c1"}, "clientId": "c2"},
            r"timeentries\[0\]\.project\.clientId",
        ),
        (
            {"project": {"id": "p1", "clientId": "c1"}, "client": {"id": "c2"}},
            r"timeentries\[0\]\.project\.clientId",
        ),
        (
            {"project": {"id": "p1", "clientId": ""}, "clientId": "c1"},
            r"timeentries\[0\]\.project\.clientId",
        ),
    ],
    ids=[
        "two-ids",
        "flat-empty",
        "nested-null",
        "two-names",
        "project-client-vs-flat",
        "project-client-vs-nested",
        "project-says-none",
    ],
)
def test_forms_that_disagree_are_refused_naming_the_path(
    fields: dict[str, object], field: str
) -> None:
    _refused(field, **fields)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"project": "p1"}, r"timeentries\[0\]\.project: expected an object"),
        ({"project": {"id": 7}}, r"timeentries\[0\]\.project\.id: expected a string"),
        ({"project": {"id": "p1", "name": 7}}, r"timeentries\[0\]\.project\.name"),
        ({"project": {"name": "Site"}}, r"timeentries\[0\]\.project\.id: missing"),
        ({"projectId": "", "projectName": "Site"}, r"timeentries\[0\]\.projectId: missing"),
        ({"project": {"id": "p1", "clientName": "Acme"}}, r"project\.clientId: missing"),
        ({"client": []}, r"timeentries\[0\]\.client: expected an object"),
        ({"task": {"id": ["t1"]}}, r"timeentries\[0\]\.task\.id"),
    ],
)
def test_a_reference_of_the_wrong_type_or_without_id_is_refused(
    fields: dict[str, object], field: str
) -> None:
    _refused(field, **fields)


# -- user and task --------------------------------------------------------------------------------


def test_a_nested_user_is_read_without_flat_fields() -> None:
    entry = _entry(userId=_DROP, userName=_DROP, user={"id": "u2", "name": "Bob"})

    assert entry.user == Ref("u2", "Bob")


def test_a_nested_user_that_disagrees_with_the_flat_one_is_refused() -> None:
    _refused(r"timeentries\[0\]\.userId", user={"id": "u2", "name": "Bob"})


def test_a_row_without_any_user_is_refused() -> None:
    _refused(r"timeentries\[0\]\.userId: missing", userId=_DROP, userName=_DROP)


@pytest.mark.parametrize(
    ("fields", "task"),
    [
        ({"taskId": "t1", "taskName": "Build"}, Ref("t1", "Build")),
        ({"taskId": "t1"}, Ref("t1", "")),
        ({"task": {"id": "t1", "name": "Build"}}, Ref("t1", "Build")),
        ({"task": {"id": "t1"}}, Ref("t1", "")),
        ({"taskId": "", "taskName": ""}, None),
        ({"task": None}, None),
    ],
    ids=["flat", "id-only", "nested", "nested-id-only", "empty", "null"],
)
def test_task_variants(fields: dict[str, object], task: Ref | None) -> None:
    assert _entry(**fields).task == task


# -- tags ---------------------------------------------------------------------------------------


def test_tags_as_objects_are_read() -> None:
    entry = _entry(tags=[{"id": "g1", "name": "urgent"}], tagIds=["g1"])

    assert entry.tags == (Ref("g1", "urgent"),)


def test_tag_ids_without_tags_keep_the_ids_for_the_name_lookup() -> None:
    assert _entry(tagIds=["g1", "g2"]).tags == (Ref("g1", ""), Ref("g2", ""))


def test_null_tag_ids_mean_no_tags() -> None:
    assert _entry(tagIds=None).tags == ()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"tags": [{"id": "g1", "name": "urgent"}], "tagIds": ["g2"]}, r"\.tagIds: holds other"),
        ({"tagIds": "g1"}, r"timeentries\[0\]\.tagIds: expected an array"),
        ({"tagIds": [1]}, r"timeentries\[0\]\.tagIds\[0\]"),
        ({"tags": ["urgent"]}, r"timeentries\[0\]\.tags\[0\]: expected an object"),
        ({"tags": [{"name": "x"}]}, r"timeentries\[0\]\.tags\[0\]\.id"),
    ],
)
def test_bad_tags_are_refused_naming_the_path(fields: dict[str, object], field: str) -> None:
    _refused(field, **fields)


# -- money --------------------------------------------------------------------------------------


def test_a_rate_object_without_currency_takes_the_rows_currency() -> None:
    entry = _entry(fallback="EUR", currency="CHF", hourlyRate={"amount": 12300})

    assert entry.hourly_rate == Money(12300, "CHF")


def test_a_rate_object_without_currency_on_a_row_without_one_takes_the_workspaces() -> None:
    entry = _entry(fallback="EUR", hourlyRate={"amount": Decimal("12300")}, amount=24600)

    assert (entry.hourly_rate, entry.earned) == (Money(12300, "EUR"), Money(24600, "EUR"))


def test_a_rate_object_of_zero_means_no_rate() -> None:
    assert _entry(hourlyRate={"amount": 0}).hourly_rate is None


def test_a_rate_object_with_a_mistyped_amount_is_refused() -> None:
    _refused(r"timeentries\[0\]\.hourlyRate\.amount", hourlyRate={"amount": "lots"})


# -- expenses -----------------------------------------------------------------------------------


def _expense(**fields: object) -> Expense:
    row: dict[str, object] = {
        "id": "x1",
        "date": "2024-01-15",
        "amount": 12500,
        "categoryName": "Travel",
        "userId": "u1",
        "userName": "Ada",
        "billable": True,
    }
    row.update(fields)
    (expense,) = parse_expense_page({"expenses": [row]}, currency_fallback="USD").entries
    return expense


def test_an_expense_with_a_nested_project_gets_the_projects_client() -> None:
    expense = _expense(project={"id": "p1", "name": "Site", "clientId": "c1", "clientName": "Acme"})

    assert (expense.project, expense.client) == (Ref("p1", "Site"), Ref("c1", "Acme"))


def test_an_expense_with_only_a_flat_project_has_no_client_until_looked_up() -> None:
    expense = _expense(projectId="p1", projectName="Site")

    assert (expense.project, expense.client) == (Ref("p1", "Site"), None)


def test_an_expense_whose_project_forms_disagree_is_refused() -> None:
    with pytest.raises(ClockifyResponseError, match=r"expenses\[0\]\.projectId"):
        _expense(projectId="p1", project={"id": "p2"})
