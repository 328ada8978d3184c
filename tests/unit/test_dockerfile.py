"""The Dockerfile builds what the shipped-runtime test runs.

No Docker engine runs here, so tests/ship/test_shipped_runtime.py rebuilds the image's runtime by
hand from `tests/ship/image.py`. These tests read the Dockerfile and check that it copies, sets
and runs exactly that, so a change to either fails until the other follows.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

import pytest

from addon.render.fonts import CJK_FONTS, SANS_FONTS
from tests.ship.image import (
    APP_DIR,
    COMMANDS,
    COPIED,
    FONT_PACKAGES,
    HEALTHCHECK,
    HOME_DIR,
    IMAGE_ENV,
    REPO,
    VENV_DIR,
)


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def _instructions(text: str) -> list[Instruction]:
    """Dockerfile lines as (KEYWORD, arguments): continuations joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    pairs = [line.split(None, 1) for line in logical]
    return [Instruction(pair[0], pair[1] if len(pair) > 1 else "") for pair in pairs]


def _stages() -> dict[str, list[Instruction]]:
    stages: dict[str, list[Instruction]] = {}
    current: list[Instruction] = []
    for instruction in _instructions((REPO / "Dockerfile").read_text()):
        if instruction.keyword.upper() == "FROM":
            current = stages.setdefault(instruction.args.split()[-1], [])
        current.append(instruction)
    return stages


def _all(stage: list[Instruction], keyword: str) -> list[str]:
    return [i.args for i in stage if i.keyword.upper() == keyword]


def _env(args: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in shlex.split(args))


@pytest.fixture(scope="module")
def runtime() -> list[Instruction]:
    return _stages()["runtime"]


def test_the_build_stage_installs_the_runtime_lock_alone_with_hashes() -> None:
    build = _stages()["build"]
    assert _all(build, "COPY") == ["requirements.lock ."]
    (run,) = _all(build, "RUN")
    assert f"python -m venv {VENV_DIR}" in run
    assert f"{VENV_DIR}/bin/pip install --require-hashes -r requirements.lock" in run


def test_the_image_copies_what_the_smoke_test_copies_into_its_app_dir(
    runtime: list[Instruction],
) -> None:
    assert _all(runtime, "WORKDIR") == [APP_DIR]
    copies = [shlex.split(args) for args in _all(runtime, "COPY")]
    assert copies[0] == ["--from=build", VENV_DIR, VENV_DIR]
    app_copies = copies[1:]
    assert all(len(c) == 2 and c[1] in (f"./{c[0]}", "./") for c in app_copies), app_copies
    assert tuple(c[0] for c in app_copies) == COPIED


def test_the_image_sets_the_environment_the_smoke_test_sets(runtime: list[Instruction]) -> None:
    env: dict[str, str] = {}
    for args in _all(runtime, "ENV"):
        env |= _env(args)
    assert env == IMAGE_ENV


def test_the_image_runs_the_smoke_tests_web_command_as_a_user_with_a_home(
    runtime: list[Instruction],
) -> None:
    assert [json.loads(args) for args in _all(runtime, "CMD")] == [list(COMMANDS["web"])]
    assert _all(runtime, "USER") == ["addon"]
    assert any(f"--create-home --home-dir {HOME_DIR}" in args for args in _all(runtime, "RUN"))
    (healthcheck,) = _all(runtime, "HEALTHCHECK")
    assert healthcheck.split(" CMD ", 1)[1] == HEALTHCHECK


def test_the_image_installs_the_fonts_pdfs_need(runtime: list[Instruction]) -> None:
    assert {SANS_FONTS[0], CJK_FONTS[0][0]} == set(FONT_PACKAGES)
    installs = " ".join(a for a in _all(runtime, "RUN") if "apt-get install" in a).split()
    assert set(FONT_PACKAGES.values()) <= set(installs)


def test_dockerignore_leaves_out_bytecode_as_the_smoke_test_does() -> None:
    ignored = (REPO / ".dockerignore").read_text().split()
    assert "**/__pycache__" in ignored and "tests" in ignored and "sandbox" in ignored
