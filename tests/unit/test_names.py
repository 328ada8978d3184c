"""Names rows leave out are filled from the workspace's listings; unknown ids stay visible."""

from __future__ import annotations

from addon.clockify.names import KnownNames, fill_entry, fill_expense, unknown
from addon.reports.model import Ref
from tests.unit.reports.builders import ACME, ANN, DESIGN, URGENT, WEBSITE, make_entry, make_expense

NAMES = KnownNames(
    users={ANN.id: ANN.name},
    projects={WEBSITE.id: (WEBSITE.name, Ref(ACME.id, ""))},
    clients={ACME.id: ACME.name},
    tags={URGENT.id: URGENT.name},
    tasks={(WEBSITE.id, DESIGN.id): DESIGN.name},
)


def _bare(ref: Ref) -> Ref:
    return Ref(ref.id, "")


def test_an_entry_with_every_name_is_returned_as_it_is() -> None:
    entry = make_entry(task=DESIGN, tags=(URGENT,))

    assert fill_entry(entry, KnownNames()) is entry


def test_ids_without_names_are_named_from_the_listings() -> None:
    entry = make_entry(
        user=_bare(ANN),
        project=_bare(WEBSITE),
        client=_bare(ACME),
        task=_bare(DESIGN),
        tags=(_bare(URGENT),),
    )

    filled = fill_entry(entry, NAMES)

    assert (filled.user, filled.project, filled.client, filled.task, filled.tags) == (
        ANN,
        WEBSITE,
        ACME,
        DESIGN,
        (URGENT,),
    )


def test_an_entry_with_a_project_and_no_client_takes_the_projects_client() -> None:
    filled = fill_entry(make_entry(project=WEBSITE, client=None), NAMES)

    assert filled.client == ACME  # the listing gave only the id: the name came from clients


def test_a_project_without_client_leaves_the_entry_without_client() -> None:
    names = KnownNames(projects={WEBSITE.id: (WEBSITE.name, None)})

    assert fill_entry(make_entry(client=None), names).client is None


def test_ids_no_listing_knows_get_a_visible_label_with_the_id() -> None:
    entry = make_entry(
        user=Ref("u-gone", ""),
        project=Ref("p-gone", ""),
        client=None,
        task=Ref("t-gone", ""),
        tags=(Ref("g-gone", ""), URGENT),
    )

    filled = fill_entry(entry, NAMES)

    assert filled.user == Ref("u-gone", "Unknown user (u-gone)")
    assert filled.project == Ref("p-gone", unknown("project", "p-gone"))
    assert filled.task == Ref("t-gone", "Unknown task (t-gone)")
    assert filled.tags == (Ref("g-gone", "Unknown tag (g-gone)"), URGENT)
    assert filled.client is None  # an unknown project names no client


def test_a_task_without_a_project_cannot_be_looked_up_and_is_labelled() -> None:
    filled = fill_entry(make_entry(project=None, client=None, task=_bare(DESIGN)), NAMES)

    assert filled.task == Ref(DESIGN.id, unknown("task", DESIGN.id))


def test_an_expense_takes_its_projects_client_and_missing_names() -> None:
    expense = make_expense(user=_bare(ANN), project=_bare(WEBSITE), client=None)

    filled = fill_expense(expense, NAMES)

    assert (filled.user, filled.project, filled.client) == (ANN, WEBSITE, ACME)


def test_a_complete_expense_is_returned_as_it_is() -> None:
    expense = make_expense(client=ACME)

    assert fill_expense(expense, KnownNames()) is expense
