"""Seeded data, ids and the process entry point."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import requests

from sandbox import SEED_WORKSPACE_ID, SandboxState
from sandbox.state import Role

_OBJECT_ID = re.compile(r"[0-9a-f]{24}")


def test_seed_is_the_same_workspace_in_every_state() -> None:
    first, second = SandboxState(), SandboxState()

    one = first.workspace(SEED_WORKSPACE_ID)
    two = second.workspace(SEED_WORKSPACE_ID)

    assert one == two
    assert (one.name, one.plan, one.currency, one.time_zone, one.region) == (
        "Northwind Studio",
        "PRO",
        "EUR",
        "Europe/Berlin",
        None,
    )
    assert sorted(u.role for u in one.users.values()) == [
        Role.ADMIN,
        Role.OWNER,
        Role.USER,
        Role.USER,
        Role.USER,
    ]
    assert all(_OBJECT_ID.fullmatch(user_id) for user_id in [one.id, *one.users])


def test_ids_made_after_reset_are_never_reused() -> None:
    state = SandboxState()
    before = state.new_id("installation")

    state.reset()

    assert state.new_id("installation") != before


def test_add_workspace_rejects_unknown_region_and_second_owner() -> None:
    state = SandboxState()
    owner = ("Ada", "ada@example.com", Role.OWNER)

    with pytest.raises(ValueError, match="region"):
        state.add_workspace(name="X", region="Frankfurt", users=[owner])
    with pytest.raises(ValueError, match="exactly one OWNER"):
        state.add_workspace(name="X", users=[owner, owner])


def test_module_entry_point_prints_url_and_serves_public_key() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", "0", "--addon-key", "cli-check"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        response = requests.get(f"{url}/sandbox/public-key", timeout=10)
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()

    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    assert response.text.startswith("-----BEGIN PUBLIC KEY-----")
    assert process.returncode == 0
