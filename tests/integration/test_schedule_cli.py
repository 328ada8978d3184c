"""`python -m addon schedules ...`: the operator's way to manage scheduled emails, on SQLite and
PostgreSQL, with the same validation as the web API; bad input exits 2 and stores nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from addon.__main__ import main
from addon.settings import Settings
from tests.clockify import WORKSPACE_ID, ClockifyActions

SPEC: dict[str, Any] = {
    "name": "Monthly hours",
    "kind": "summary",
    "groups": ["PROJECT", "USER"],
    "formats": ["csv", "pdf"],
    "frequency": "MONTHLY",
    "day_of_month": 0,
    "hour": 8,
    "minute": 30,
    "zone": "Europe/Berlin",
    "coverage": "PREVIOUS_MONTH",
    "recipients": {"to": ["boss@example.com"], "bcc": ["audit@example.com"]},
    "subject_template": "{name}: {period}",
}


@pytest.fixture
def cli(
    settings: Settings,
    clockify: ClockifyActions,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Any:
    assert clockify.install().status_code == 200
    monkeypatch.setenv("ADDON_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ADDON_ENCRYPTION_KEYS", settings.encryption_keys[0].reveal())

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["schedules", *argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _spec_file(tmp_path: Path, spec: object, name: str = "spec.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(spec), encoding="utf-8")
    return str(path)


def test_add_list_pause_resume_and_delete_a_schedule(cli: Any, tmp_path: Path) -> None:
    code, out, err = cli("add", WORKSPACE_ID, _spec_file(tmp_path, SPEC))
    assert (code, err) == (0, "")
    schedule_id = out.strip()

    code, out, _ = cli("list", WORKSPACE_ID)
    assert code == 0
    [line] = out.splitlines()
    assert line.startswith(f"{schedule_id}\tactive\tMonthly hours\tEurope/Berlin\tnext ")
    assert line.endswith(("T08:30:00+01:00", "T08:30:00+02:00"))  # 08:30 Berlin, its own zone

    assert cli("pause", WORKSPACE_ID, schedule_id)[0] == 0
    assert "\tpaused\t" in cli("list", WORKSPACE_ID)[1]
    assert cli("resume", WORKSPACE_ID, schedule_id)[0] == 0
    assert "\tactive\t" in cli("list", WORKSPACE_ID)[1]
    assert cli("log", WORKSPACE_ID) == (0, "", "")

    assert cli("delete", WORKSPACE_ID, schedule_id)[0] == 0
    assert cli("list", WORKSPACE_ID) == (0, "", "")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"zone": "Mars/Olympus"}, "zone"),
        ({"hour": 25}, "hour"),
        ({"recipients": {"to": ["not-an-address"]}}, "to[0]"),
        ({"frequency": "HOURLY"}, "frequency"),
        ({"formats": ["docx"]}, "format"),
        ({"subject_template": "two\nlines"}, "subject_template"),
    ],
)
def test_a_bad_schedule_is_refused_with_its_reason_and_nothing_is_stored(
    cli: Any, tmp_path: Path, change: dict[str, Any], reason: str
) -> None:
    code, out, err = cli("add", WORKSPACE_ID, _spec_file(tmp_path, {**SPEC, **change}))

    assert code == 2 and out == ""
    assert err.startswith("error: ") and reason in err
    assert cli("list", WORKSPACE_ID) == (0, "", "")


def test_unknown_workspace_schedule_or_run_and_broken_json_exit_2(cli: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")

    assert cli("add", "f" * 24, _spec_file(tmp_path, SPEC))[0] == 2
    assert "not valid JSON" in cli("add", WORKSPACE_ID, str(broken))[2]
    assert "does not exist" in cli("pause", WORKSPACE_ID, "999")[2]
    assert "does not exist" in cli("resend", WORKSPACE_ID, "999")[2]
