"""The fast detailed-page decoder gives the reference parser's entries, or its error, for any row.

`rows.decode_detailed_page` decodes bytes into msgspec Structs and converts them without JSON
paths; `entries.parse_detailed_page` is the reference. Generated rows cover every documented
variant (flat and nested references, tags or tagIds, seconds, float seconds or ISO durations,
integer or fractional cents, plain money, `amounts` or `hourlyRate`, `type`, `invoicingInfo`,
running entries), and some break a rule the reference enforces.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addon.clockify.entries import DetailedPage, parse_detailed_page
from addon.clockify.errors import ClockifyResponseError
from addon.clockify.rows import _PAGE, _entries, decode_detailed_page, describe_validation_error
from addon.clockify.wire import WirePage
from addon.reports.model import TimeEntry

ids = st.sampled_from(["a1", "b2", "c3"])
names = st.sampled_from(["", "Ada", "Acme", "Design"])
cents = st.one_of(
    st.integers(0, 10**7),
    st.decimals(0, 10**6, places=6).map(lambda d: float(d)),
)


@st.composite
def references(draw: st.DrawFn, name: str, *, required: bool = False) -> dict[str, Any]:
    """The `name` reference flat, nested, both or (when allowed) not at all."""
    ref_id, ref_name = draw(ids), draw(names)
    forms = draw(st.sampled_from(["flat", "nested", "both"] + ([] if required else ["none"])))
    row: dict[str, Any] = {}
    if forms in ("flat", "both"):
        row[f"{name}Id"] = ref_id
        row[f"{name}Name"] = draw(st.sampled_from([ref_name, None]))
    if forms in ("nested", "both"):
        row[name] = {"id": ref_id, "name": ref_name}
    if forms == "none" and draw(st.booleans()):
        row[name] = None
    return row


@st.composite
def money(draw: st.DrawFn) -> dict[str, Any]:
    variant = draw(st.sampled_from(["plain", "amounts", "hourly_rate", "none"]))
    if variant == "plain":
        return {
            "rate": draw(cents),
            "earnedRate": draw(st.one_of(st.none(), cents)),
            "amount": draw(cents),
            "earnedAmount": draw(st.one_of(st.none(), cents)),
            "currency": draw(st.sampled_from(["EUR", "USD", "", None])),
        }
    if variant == "amounts":
        kinds = st.sampled_from(["EARNED", "COST", "PROFIT"])
        items = st.lists(st.fixed_dictionaries({"type": kinds, "value": cents}), max_size=3)
        return {"amounts": draw(items)}
    if variant == "hourly_rate":
        rate = st.fixed_dictionaries({"amount": cents, "currency": st.sampled_from(["EUR", None])})
        return {"hourlyRate": draw(st.one_of(st.none(), rate)), "amount": draw(cents)}
    return {}


@st.composite
def rows(draw: st.DrawFn) -> dict[str, Any]:
    seconds = draw(st.integers(0, 40 * 3600))
    duration = draw(
        st.sampled_from([seconds, float(seconds), f"PT{seconds // 3600}H{seconds % 3600}S"])
    )
    end = draw(st.sampled_from(["2025-01-02T11:00:00Z", "2025-01-02T12:00:00+01:00", None]))
    row: dict[str, Any] = {
        draw(st.sampled_from(["_id", "id", "get_id"])): draw(ids),
        "description": draw(st.sampled_from(["Design", None])),
        "billable": draw(st.booleans()),
        "timeInterval": {"start": "2025-01-02T09:00:00Z", "end": end, "duration": duration},
        **draw(references("user", required=True)),
        **draw(references("project")),
        **draw(references("client")),
        **draw(references("task")),
        **draw(money()),
    }
    if draw(st.booleans()):
        row["type"] = draw(st.sampled_from(["REGULAR", "BREAK", "HOLIDAY", "TIME_OFF"]))
    tag_ids = draw(st.lists(ids, max_size=2, unique=True))
    if draw(st.booleans()):
        row["tags"] = [{"id": tag, "name": "t" + tag} for tag in tag_ids]
    if draw(st.booleans()):
        row["tagIds"] = tag_ids
    if draw(st.booleans()):
        info = {"invoiceId": draw(st.sampled_from([None, "", "inv1"])), "manuallyInvoiced": False}
        row["invoicingInfo"] = info
    if draw(st.integers(0, 5)) == 0:  # a broken field: both must refuse it alike
        broken = ["billable", "description", "timeInterval", "userName", "tagIds", "type", "rate"]
        row[draw(st.sampled_from(broken))] = draw(st.sampled_from([3, "x", None, [], {}]))
    return row


def _reference(content: bytes) -> DetailedPage | str:
    try:
        return parse_detailed_page(
            json.loads(content, parse_float=Decimal), currency_fallback="EUR"
        )
    except ClockifyResponseError as exc:
        return str(exc)


def _fast(content: bytes) -> DetailedPage | str:
    try:
        return decode_detailed_page(content, currency_fallback="EUR")
    except ClockifyResponseError as exc:
        return str(exc)


@settings(max_examples=300, deadline=None)
@given(st.lists(rows(), max_size=4), st.sampled_from(["timeentries", "timeEntries"]))
def test_fast_decoder_agrees_with_the_reference_parser(
    generated: list[dict[str, Any]], key: str
) -> None:
    content = json.dumps({key: generated, "totals": []}).encode()
    assert _fast(content) == _reference(content)


def _only_fast(content: bytes) -> tuple[TimeEntry, ...]:
    """The conversion alone, without the reference to fall back on."""
    page = _PAGE.decode(content)
    wire_rows = page.timeentries
    assert isinstance(wire_rows, list)
    return _entries(wire_rows, "EUR")


FLAT = {
    "_id": "e1",
    "billable": True,
    "timeInterval": {
        "start": "2025-01-02T09:00:00Z",
        "end": "2025-01-02T11:00:00Z",
        "duration": 7200,
    },
    "userId": "u1",
    "userName": "Ada",
    "projectId": "p1",
    "projectName": "Site",
    "clientId": "c1",
    "clientName": "Acme",
    "tagIds": ["t1"],
    "rate": 12000,
    "earnedAmount": 24000.5,
    "currency": "USD",
    "type": "REGULAR",
}
NESTED = {
    "id": "e2",
    "billable": False,
    "timeInterval": {
        "start": "2025-01-02T10:00:00+01:00",
        "end": "2025-01-02T12:00:00+01:00",
        "duration": "PT2H",
    },
    "user": {"id": "u1", "name": "Ada"},
    "project": {"id": "p1", "name": "Site", "clientId": "c1", "clientName": "Acme"},
    "task": {"id": "k1", "name": "Build"},
    "tags": [{"id": "t1", "name": "urgent"}],
    "hourlyRate": {"amount": 15000},
    "invoicingInfo": {"invoiceId": "inv1"},
}


@pytest.mark.parametrize("row", [FLAT, NESTED], ids=["flat", "nested"])
def test_documented_rows_never_need_the_reference(row: dict[str, Any]) -> None:
    content = json.dumps({"timeentries": [row]}).encode()
    reference = _reference(content)
    assert isinstance(reference, DetailedPage)
    assert _only_fast(content) == reference.entries


def test_totals_are_read_only_when_asked_for() -> None:
    totals = [{"totalTime": 7200, "totalBillableTime": 7200, "entriesCount": 1}]
    content = json.dumps({"timeentries": [FLAT], "totals": totals}).encode()
    assert decode_detailed_page(content, currency_fallback="EUR").totals is None
    page = decode_detailed_page(content, currency_fallback="EUR", totals=True)
    assert page.totals is not None
    assert (page.totals.entries, page.totals.duration) == (1, 7200)


def test_malformed_row_is_refused_naming_its_json_path() -> None:
    content = json.dumps({"timeentries": [FLAT, {**FLAT, "billable": "yes"}]}).encode()
    with pytest.raises(ClockifyResponseError, match=r"timeentries\[1\]\.billable"):
        decode_detailed_page(content, currency_fallback="EUR")


def test_body_that_is_not_json_is_refused() -> None:
    with pytest.raises(ClockifyResponseError, match="not JSON"):
        decode_detailed_page(b'{"timeentries": [', currency_fallback="EUR")


def test_a_page_only_the_reference_accepts_is_parsed_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    running = {"_id": "r", "timeInterval": {"start": "2025-01-02T09:00:00Z"}, "billable": 3}
    content = json.dumps({"timeentries": [FLAT, running]}).encode()
    with caplog.at_level(logging.WARNING, logger="addon.clockify.rows"):
        page = decode_detailed_page(content, currency_fallback="EUR")
    assert (len(page.entries), page.count) == (1, 2)
    (record,) = caplog.records
    assert record.refused_at == "timeentries[1].billable: expected true or false, got a number."


@pytest.mark.parametrize(
    ("body", "wording"),
    [
        (b'{"timeentries": [{"timeInterval": 3}]}', "timeentries[0].timeInterval: expected an "),
        (b'{"timeentries": [{"tagIds": [1]}]}', "timeentries[0].tagIds[0]: expected a string, "),
        (b'{"timeentries": {}}', "timeentries: expected an array, got an object."),
    ],
)
def test_msgspec_errors_are_told_in_our_path_wording(body: bytes, wording: str) -> None:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.json.decode(body, type=WirePage)
    assert describe_validation_error(caught.value).startswith(wording)
