"""Concurrent deliveries and key rotation against a real database."""

from __future__ import annotations

import threading

from flask import Flask
from sqlalchemy import func, select

from addon.__main__ import main
from addon.runtime import Runtime
from addon.settings import Secret
from addon.store.crypto import TokenCipher
from addon.store.models import Installation
from tests.clockify import WORKSPACE_ID, ClockifyActions


def test_simultaneous_installed_deliveries_store_one_installation(
    app: Flask, clockify: ClockifyActions, runtime: Runtime
) -> None:
    body = clockify.installed_body()
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def deliver() -> None:
        actions = ClockifyActions(app.test_client(), clockify.issuer)
        barrier.wait()
        statuses.append(actions.post("INSTALLED", body).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 6
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Installation)) == 1


def test_rotate_keys_command_moves_tokens_to_the_newest_key(
    clockify: ClockifyActions, runtime: Runtime, monkeypatch: object, encryption_key: Secret
) -> None:
    clockify.install()
    token = clockify.sent[-1]
    new_key = Secret(TokenCipher.generate_key())
    monkeypatch.setenv(  # type: ignore[attr-defined]
        "ADDON_ENCRYPTION_KEYS", f"{new_key.reveal()},{encryption_key.reveal()}"
    )
    monkeypatch.setenv("ADDON_DATABASE_URL", runtime.settings.database_url)  # type: ignore[attr-defined]

    assert main(["rotate-keys"]) == 0

    with runtime.sessions() as session:
        stored = session.scalars(select(Installation)).one()
    only_new = TokenCipher([new_key])
    assert only_new.decrypt(stored.token_ciphertext, workspace_id=WORKSPACE_ID).reveal() == token
