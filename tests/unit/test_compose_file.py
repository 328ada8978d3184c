"""deploy/compose.yaml runs what the shipped-runtime test runs, in the order it runs it.

The commands come from `tests/ship/image.py`, as the smoke test's do; the settings it passes must
be ones the add-on knows, because unknown `ADDON_*` variables stop every process at start-up.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from addon.settings import KNOWN_VARIABLES
from tests.ship.image import COMMANDS, REPO

LONG_RUNNING = ("web", "scheduler", "worker")  # each waits for migrate to finish


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO / "deploy" / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_the_smoke_tests_commands(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {*COMMANDS, "db"}
    for name, command in COMMANDS.items():
        assert tuple(services[name]["command"]) == command, name
        assert services[name]["build"] == {"context": "..", "dockerfile": "Dockerfile"}
        assert services[name]["image"] == services["web"]["image"]


def test_compose_migrates_once_before_anything_else_starts(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in LONG_RUNNING:
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name


def test_compose_keeps_postgres_15_on_a_volume_with_a_healthcheck(compose: dict[str, Any]) -> None:
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:15")
    volume, target = db["volumes"][0].split(":", 1)
    assert target == "/var/lib/postgresql/data" and volume in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_compose_web_leaves_report_jobs_to_workers_and_guards_metrics(
    compose: dict[str, Any],
) -> None:
    web = compose["services"]["web"]["environment"]
    assert web["ADDON_WEB_JOBS"] == "false"
    assert web["ADDON_METRICS_TOKEN"] == "${ADDON_METRICS_TOKEN:?set it in .env}"


def test_every_setting_compose_passes_is_one_the_addon_knows(compose: dict[str, Any]) -> None:
    """The add-on refuses unknown ADDON_* variables at start-up, so a stray one here would stop
    every container."""
    example = _dotenv(REPO / "deploy" / ".env.example")
    named = set(example)
    for name in COMMANDS:
        service = compose["services"][name]
        assert service["env_file"] == [".env"], name
        named |= set(service.get("environment", {}))
    assert {n for n in named if n.startswith("ADDON_")} <= KNOWN_VARIABLES


def test_env_example_documents_every_variable_compose_reads(compose: dict[str, Any]) -> None:
    text = (REPO / "deploy" / "compose.yaml").read_text()
    referenced = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    example = _dotenv(REPO / "deploy" / ".env.example")
    assert referenced <= set(example), referenced - set(example)


def _dotenv(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def test_only_web_keeps_the_images_http_healthcheck(compose: dict[str, Any]) -> None:
    """The Dockerfile's HEALTHCHECK asks :8080/healthz, which only gunicorn serves."""
    services = compose["services"]
    for name in ("migrate", "scheduler", "worker"):
        assert services[name]["healthcheck"] == {"disable": True}, name
    assert "healthcheck" not in services["web"]
