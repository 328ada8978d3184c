"""Rate resolution: the entry's own rate first, then the most specific level of the hierarchy."""

from __future__ import annotations

import pytest

from addon.reports.errors import InvalidTerms
from addon.reports.model import RateSource
from addon.reports.rates import PricedRate, RateBook, resolve_rate

from .builders import ANN, DESIGN, WEBSITE, make_entry, usd

FULL_BOOK = RateBook(
    workspace=usd("50.00"),
    projects={WEBSITE.id: usd("60.00")},
    members={ANN.id: usd("70.00")},
    tasks={DESIGN.id: usd("80.00")},
    project_members={(WEBSITE.id, ANN.id): usd("90.00")},
)


def test_rate_on_the_entry_wins_over_every_level() -> None:
    entry = make_entry(rate=usd("10.00"), task=DESIGN)

    assert resolve_rate(entry, FULL_BOOK) == PricedRate(usd("10.00"), RateSource.ENTRY)


@pytest.mark.parametrize(
    ("entry_kwargs", "book_kwargs", "expected"),
    [
        ({"task": DESIGN}, {}, (usd("90.00"), RateSource.PROJECT_MEMBER)),
        ({"task": DESIGN}, {"project_members": {}}, (usd("80.00"), RateSource.TASK)),
        ({}, {"project_members": {}}, (usd("70.00"), RateSource.MEMBER)),
        ({}, {"project_members": {}, "members": {}}, (usd("60.00"), RateSource.PROJECT)),
        ({"project": None}, {"members": {}}, (usd("50.00"), RateSource.WORKSPACE)),
    ],
)
def test_missing_rate_comes_from_the_most_specific_level(
    entry_kwargs: dict[str, object],
    book_kwargs: dict[str, object],
    expected: tuple[object, RateSource],
) -> None:
    base = {
        "workspace": FULL_BOOK.workspace,
        "projects": FULL_BOOK.projects,
        "members": FULL_BOOK.members,
        "tasks": FULL_BOOK.tasks,
        "project_members": FULL_BOOK.project_members,
    }
    book = RateBook(**{**base, **book_kwargs})  # type: ignore[arg-type]  # test overrides
    entry = make_entry(**entry_kwargs)  # type: ignore[arg-type]  # test overrides

    priced = resolve_rate(entry, book)

    assert (priced.rate, priced.source) == expected


def test_entry_nothing_prices_reports_no_source() -> None:
    assert resolve_rate(make_entry(), RateBook()) == PricedRate(None, RateSource.NONE)


def test_precedence_can_be_reordered_in_one_place() -> None:
    book = RateBook(
        projects={WEBSITE.id: usd("60.00")},
        members={ANN.id: usd("70.00")},
        precedence=(RateSource.PROJECT, RateSource.MEMBER, RateSource.WORKSPACE),
    )

    assert resolve_rate(make_entry(), book).source is RateSource.PROJECT


def test_rate_book_cannot_be_changed_through_the_dict_it_was_built_from() -> None:
    members = {ANN.id: usd("70.00")}
    book = RateBook(members=members)

    members[ANN.id] = usd("1.00")

    assert book.members[ANN.id] == usd("70.00")


@pytest.mark.parametrize("precedence", [(RateSource.ENTRY,), (RateSource.TASK, RateSource.TASK)])
def test_precedence_with_unknown_or_repeated_levels_is_refused(
    precedence: tuple[RateSource, ...],
) -> None:
    with pytest.raises(InvalidTerms):
        RateBook(precedence=precedence)
