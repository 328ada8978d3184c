"""`/api/schedules` and `/api/deliveries` with a sidebar session: CRUD, roles, workspace
isolation, bad input, and responses that match the OpenAPI document."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, ValidationError

from addon.reports.model import NonWorkTime
from addon.runtime import Runtime
from addon.services.schedule_spec import ScheduleSpec, spec_of
from addon.store import runs as run_store
from addon.store import schedules as store
from addon.store.models import DeliveryState
from addon.web.session import SessionClaims, SessionSigner
from tests.clockify import ADDON_ID, OWNER_ID, WORKSPACE_ID, ClockifyActions

_META = re.compile(r'<meta name="session" content="([^"]+)">')
OTHER_WORKSPACE = "74b0c1d2e3f4a5b6c7d8e9f1"
OTHER_ADDON = "75a1b2c3d4e5f60718293a4c"

SPEC: dict[str, Any] = {
    "name": "Monthly hours",
    "frequency": "MONTHLY",
    "day_of_month": 1,
    "hour": 7,
    "minute": 30,
    "zone": "Europe/Berlin",
    "coverage": "PREVIOUS_MONTH",
    "groups": ["PROJECT", "USER"],
    "formats": ["csv", "pdf"],
    "recipients": {"to": ["boss@example.com"], "bcc": ["audit@example.com"]},
}


class Api:
    """Calls the API as the sidebar page does: bearer session, JSON bodies."""

    def __init__(self, client: FlaskClient, session: str) -> None:
        self.client, self.session = client, session

    def __call__(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.session}", **kw.pop("headers", {})}
        if method != "GET" and "data" not in kw:
            kw["json"] = body if body is not None else {}
        return self.client.open(f"/api{path}", method=method, headers=headers, **kw)


def _session(clockify: ClockifyActions) -> str:
    page = clockify.client.get("/sidebar", query_string={"auth_token": clockify.user_token()})
    found = _META.search(page.get_data(as_text=True))
    assert found is not None
    return found.group(1)


@pytest.fixture
def api(clockify: ClockifyActions) -> Api:
    clockify.install()
    return Api(clockify.client, _session(clockify))


@pytest.fixture
def other_api(clockify: ClockifyActions) -> Api:
    other = ClockifyActions(
        clockify.client, clockify.issuer, workspace_id=OTHER_WORKSPACE, addon_id=OTHER_ADDON
    )
    other.install()
    return Api(clockify.client, _session(other))


def _failed_run(runtime: Runtime, schedule_id: int) -> int:
    now = runtime.now()
    with runtime.sessions.begin() as db:
        schedule = store.get_schedule(db, WORKSPACE_ID, schedule_id)
        assert schedule is not None
        due = now.date() - timedelta(days=1)
        run = run_store.claim_run(db, schedule, due, (due, due), "test", now, timedelta(minutes=5))
        assert run is not None
        run_store.finish_run(db, run.id, "test", DeliveryState.FAILED, now=now, error="SMTP 451")
        return run.id


def test_schedule_crud_round_trip(api: Api) -> None:
    created = api("POST", "/schedules", SPEC)
    assert created.status_code == 201
    schedule = created.json
    sid = schedule["id"]
    assert created.headers["Location"] == f"/api/schedules/{sid}"
    assert schedule["name"] == "Monthly hours" and schedule["paused"] is False
    assert schedule["formats"] == ["csv", "pdf"] and schedule["groups"] == ["PROJECT", "USER"]
    assert schedule["next_send"].endswith(("+01:00", "+02:00"))
    assert "T07:30:00" in schedule["next_send"]

    assert api("GET", f"/schedules/{sid}").json == schedule
    assert api("GET", "/schedules").json == {"schedules": [schedule]}

    changed = api("PUT", f"/schedules/{sid}", {**schedule, "name": "Renamed", "hour": 9})
    assert changed.status_code == 200
    assert changed.json["name"] == "Renamed" and changed.json["hour"] == 9

    paused = api("POST", f"/schedules/{sid}/pause")
    assert paused.json["paused"] is True and paused.json["next_send"] is None
    resumed = api("POST", f"/schedules/{sid}/resume")
    assert resumed.json["paused"] is False and resumed.json["next_send"] is not None

    upcoming = api("GET", f"/schedules/{sid}/next", query_string={"count": 3}).json
    assert upcoming["zone"] == "Europe/Berlin" and len(upcoming["next"]) == 3
    assert all(s["due"].endswith("-01") and "T09:30:00+0" in s["at"] for s in upcoming["next"])
    assert upcoming["next"][0]["at"] == resumed.json["next_send"]

    assert api("DELETE", f"/schedules/{sid}").status_code == 204
    assert api("GET", f"/schedules/{sid}").status_code == 404
    assert api("GET", "/schedules").json == {"schedules": []}


def test_non_work_time_is_stored_with_the_schedule_and_old_ones_read_the_default(
    api: Api, runtime: Runtime
) -> None:
    created = api("POST", "/schedules", {**SPEC, "filters": {"non_work_time": "EXCLUDE"}}).json
    sid = created["id"]
    assert created["filters"]["non_work_time"] == "EXCLUDE"
    assert api("GET", f"/schedules/{sid}").json["filters"]["non_work_time"] == "EXCLUDE"
    with runtime.sessions.begin() as db:  # as saved before the option existed
        schedule = store.get_schedule(db, WORKSPACE_ID, sid)
        assert schedule is not None
        filters = dict(schedule.report["filters"])
        del filters["non_work_time"]
        schedule.report = {**schedule.report, "filters": filters}

    read = api("GET", f"/schedules/{sid}").json

    assert read["filters"]["non_work_time"] == "SEPARATE"
    assert _spec_of_stored(runtime, sid).filters.non_work_time is NonWorkTime.SEPARATE


def _spec_of_stored(runtime: Runtime, sid: int) -> ScheduleSpec:
    with runtime.sessions.begin() as db:
        schedule = store.get_schedule(db, WORKSPACE_ID, sid)
        assert schedule is not None
        return spec_of(schedule)


def test_failed_delivery_is_listed_and_resent_once(api: Api, runtime: Runtime) -> None:
    sid = api("POST", "/schedules", SPEC).json["id"]
    run_id = _failed_run(runtime, sid)

    log = api("GET", "/deliveries").json["deliveries"]
    resent = api("POST", f"/deliveries/{run_id}/resend")
    again = api("POST", f"/deliveries/{run_id}/resend")

    assert [(d["id"], d["state"], d["last_error"]) for d in log] == [(run_id, "failed", "SMTP 451")]
    assert resent.status_code == 202 and resent.json["state"] == "claimed"
    assert again.status_code == 409 and again.json["error"] == "conflict"


def _every_endpoint(sid: int, run_id: int) -> list[tuple[str, str, Any]]:
    return [
        ("GET", "/schedules", None),
        ("POST", "/schedules", SPEC),
        ("GET", f"/schedules/{sid}", None),
        ("PUT", f"/schedules/{sid}", SPEC),
        ("POST", f"/schedules/{sid}/pause", None),
        ("POST", f"/schedules/{sid}/resume", None),
        ("GET", f"/schedules/{sid}/next", None),
        ("GET", "/deliveries", None),
        ("POST", f"/deliveries/{run_id}/resend", None),
        ("DELETE", f"/schedules/{sid}", None),
    ]


def test_another_workspace_sees_nothing_and_changes_nothing(
    api: Api, other_api: Api, runtime: Runtime
) -> None:
    sid = api("POST", "/schedules", SPEC).json["id"]
    run_id = _failed_run(runtime, sid)
    before = api("GET", f"/schedules/{sid}").json

    answers = {
        (method, path): other_api(method, path, body).status_code
        for method, path, body in _every_endpoint(sid, run_id)
    }

    assert answers.pop(("GET", "/schedules")) == 200
    assert answers.pop(("POST", "/schedules")) == 201  # B creates its own schedule
    assert answers.pop(("GET", "/deliveries")) == 200
    assert set(answers.values()) == {404}, answers
    assert [s["id"] for s in other_api("GET", "/schedules").json["schedules"]] != [sid]
    assert other_api("GET", "/deliveries").json == {"deliveries": []}
    assert api("GET", f"/schedules/{sid}").json == before
    assert api("GET", "/deliveries").json["deliveries"][0]["state"] == "failed"
    assert len(api("GET", "/schedules").json["schedules"]) == 1


def test_non_admins_get_403_on_every_endpoint(
    api: Api, app: Flask, runtime: Runtime, clockify: ClockifyActions
) -> None:
    sid = api("POST", "/schedules", SPEC).json["id"]
    run_id = _failed_run(runtime, sid)
    signer = app.extensions["addon.session"]
    assert isinstance(signer, SessionSigner)
    member = signer.issue(
        SessionClaims(WORKSPACE_ID, ADDON_ID, OWNER_ID, "USER", int(time.time()) + 600)
    )
    as_member = Api(clockify.client, member)

    for method, path, body in _every_endpoint(sid, run_id):
        response = as_member(method, path, body)
        assert response.status_code == 403, (method, path)
        assert response.json["error"] == "forbidden"
    assert api("GET", f"/schedules/{sid}").json["paused"] is False


def test_state_changes_need_a_json_content_type(api: Api) -> None:
    sid = api("POST", "/schedules", SPEC).json["id"]

    for method, path in [("POST", f"/schedules/{sid}/pause"), ("DELETE", f"/schedules/{sid}")]:
        response = api(method, path, data="", content_type="text/plain")
        assert response.status_code == 415, (method, path)
        assert response.json["error"] == "unsupported_media_type"
    assert api("GET", f"/schedules/{sid}").json["paused"] is False


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"zone": "Mars/Olympus"}, 422, "zone"),
        ({"hour": 25}, 422, "hour"),
        ({"hour": "7"}, 422, "hour"),
        ({"minute": 7.5}, 422, "minute"),
        ({"frequency": "HOURLY"}, 422, "frequency"),
        ({"frequency": None}, 422, "frequency"),
        ({"formats": ["docx"]}, 422, "formats"),
        ({"formats": "csv"}, 422, "formats"),  # named "groups" before the Struct read it
        ({"groups": ["PLANET"]}, 422, "groups"),
        ({"subject_template": "two\nlines"}, 422, "subject_template"),
        ({"subject_template": "{secret}"}, 422, "subject_template"),
        ({"name": ""}, 422, "name"),
        ({"name": 5}, 422, "name"),
        ({"name": "x" * 201}, 422, "name"),
        ({"locale": "klingon"}, 422, "locale"),
        ({"filters": {"colour": ["red"]}}, 422, "filters"),
        ({"filters": {"billable": "yes"}}, 422, "filters.billable"),
        ({"filters": []}, 422, "filters"),
        ({"day_of_month": 40}, 422, "day_of_month"),
        ({"weekday": "FUNDAY"}, 422, "weekday"),
        ({"recipients": {"to": ["not-an-address"]}}, 400, "to"),
        ({"recipients": {"to": []}}, 400, "to"),
        ({"recipients": ["boss@example.com"]}, 422, "recipients"),
        ({"skip_when_empty": "no"}, 422, "skip_when_empty"),
        ({"nmae": "typo"}, 422, "nmae"),
        ({"filters": {"non_work_time": "separate"}}, 422, "filters.non_work_time"),
    ],
)
def test_bad_schedules_answer_4xx_naming_the_field(
    change: dict[str, Any], status: int, field: str, api: Api
) -> None:
    created = api("POST", "/schedules", {**SPEC, **change})
    sid = api("POST", "/schedules", SPEC).json["id"]
    replaced = api("PUT", f"/schedules/{sid}", {**SPEC, **change})

    for response in (created, replaced):
        assert response.status_code == status, response.json
        assert response.json["field"] == field
        assert response.json["message"]
    assert api("GET", f"/schedules/{sid}").json["name"] == SPEC["name"]


@pytest.mark.parametrize(
    ("method", "path", "kw", "status"),
    [
        ("POST", "/schedules", {"data": "{", "content_type": "application/json"}, 400),
        ("POST", "/schedules", {"data": "[1]", "content_type": "application/json"}, 400),
        ("POST", "/schedules", {"data": b"\xff", "content_type": "application/json"}, 400),
        ("GET", "/schedules/99999999999999999999", {}, 404),
        ("GET", "/schedules/2147483648", {}, 404),
        ("DELETE", "/schedules/2147483648", {}, 404),
        ("POST", "/deliveries/99999999999/resend", {}, 404),
        ("GET", "/schedules/-1", {}, 404),
        ("GET", "/schedules/abc", {}, 404),
        ("PATCH", "/schedules/1", {}, 405),
        ("GET", "/deliveries?limit=0", {}, 400),
        ("GET", "/deliveries?limit=many", {}, 400),
        ("GET", "/deliveries?limit=100000", {}, 400),
    ],
)
def test_malformed_requests_answer_4xx_json_never_500(
    method: str, path: str, kw: dict[str, Any], status: int, api: Api
) -> None:
    response = api(method, path, **kw)

    assert response.status_code == status
    assert response.json is not None and response.json["message"]


def test_next_count_is_checked(api: Api) -> None:
    sid = api("POST", "/schedules", SPEC).json["id"]

    default = api("GET", f"/schedules/{sid}/next").json["next"]
    bad = [api("GET", f"/schedules/{sid}/next?count={c}") for c in ("0", "51", "x", "-1")]

    assert len(default) == 5
    assert [r.status_code for r in bad] == [400] * 4


def _validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_openapi_document_describes_the_real_responses(api: Api, runtime: Runtime) -> None:
    document = api.client.get("/api/openapi.json").json
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["session"]["scheme"] == "bearer"
    Draft202012Validator.check_schema(document["components"]["schemas"]["Schedule"])
    expected = {
        "/api/session",
        "/api/schedules",
        "/api/schedules/{id}",
        "/api/schedules/{id}/pause",
        "/api/schedules/{id}/resume",
        "/api/schedules/{id}/next",
        "/api/deliveries",
        "/api/deliveries/{id}/resend",
        "/api/workspace",
        "/api/reports",
        "/api/jobs/{id}",
        "/api/jobs/{id}/download",
        "/api/invoices",
        "/api/invoices/{number}/download",
        "/api/invoices/{number}/mark",
        "/api/schedules/{id}/test",
        "/api/schedules/next",
        "/api/einvoice/seller",
        "/api/einvoice/clients/{client_id}",
        "/api/invoices/{number}/einvoice/check",
        "/api/invoices/{number}/einvoice",
    }
    assert set(document["paths"]) == expected

    created = api("POST", "/schedules", SPEC).json
    run_id = _failed_run(runtime, created["id"])
    samples = {
        "ScheduleInput": [SPEC],
        "Schedule": [created, api("POST", f"/schedules/{created['id']}/pause").json],
        "ScheduleList": [api("GET", "/schedules").json],
        "NextSends": [api("GET", f"/schedules/{created['id']}/next").json],
        "DeliveryList": [api("GET", "/deliveries").json],
        "Delivery": [api("POST", f"/deliveries/{run_id}/resend").json],
        "Error": [
            api("GET", "/schedules/12345").json,
            api("POST", "/schedules", {**SPEC, "hour": 99}).json,
        ],
    }
    for name, bodies in samples.items():
        validator = _validator(document, name)
        for body in bodies:
            validator.validate(body)
    with pytest.raises(ValidationError, match="is not one of"):
        _validator(document, "Schedule").validate({**created, "frequency": "HOURLY"})
