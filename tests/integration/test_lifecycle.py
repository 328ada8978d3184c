"""Lifecycle callbacks applied end to end, on SQLite and on PostgreSQL."""

from __future__ import annotations

import time

from sqlalchemy import func, select, text

from addon.runtime import Runtime
from addon.store.models import Installation, RemovedInstallation, WebhookSubscription
from tests.clockify import EU_URLS, OWNER_ID, WORKSPACE_ID, ClockifyActions


def _installation(runtime: Runtime) -> Installation | None:
    with runtime.sessions() as session:
        return session.scalars(select(Installation)).one_or_none()


def _count(runtime: Runtime, model: type) -> int:
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_installed_callback_stores_token_and_regional_urls(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.urls = EU_URLS

    response = clockify.install(webhooks=2)

    assert response.status_code == 200
    assert response.json == {"result": "created"}
    stored = _installation(runtime)
    assert stored is not None
    assert stored.workspace_id == WORKSPACE_ID
    assert stored.installed_by == OWNER_ID
    assert stored.owner_user_id == OWNER_ID
    assert stored.api_url == "https://euc1.clockify.me/api"
    assert stored.backend_url == "https://euc1.clockify.me/api"
    assert stored.reports_url == "https://euc1.clockify.me/report"
    assert stored.is_active
    token = runtime.cipher.decrypt(stored.token_ciphertext, workspace_id=WORKSPACE_ID)
    assert token.reveal() == clockify.sent[-1]
    assert _count(runtime, WebhookSubscription) == 2


def test_raw_row_never_holds_the_installation_token_in_clear(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install()
    token = clockify.sent[-1]

    with runtime.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM installation")).all()
        hooks = connection.execute(text("SELECT * FROM webhook_subscription")).all()

    dumped = repr(rows) + repr(hooks)
    assert token not in dumped
    assert token.split(".")[1] not in dumped  # not even the claims part


def test_repeated_installed_delivery_is_a_no_op(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    body = clockify.installed_body()

    first = clockify.post("INSTALLED", body)
    again = clockify.post("INSTALLED", body)

    assert first.json == {"result": "created"}
    assert again.json == {"result": "unchanged"}
    assert _count(runtime, Installation) == 1
    assert _count(runtime, WebhookSubscription) == 1


def test_reinstall_with_new_token_replaces_credentials(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install(token=clockify.installation_token(now=time.time() - 60))
    clockify.urls = EU_URLS

    response = clockify.install()

    assert response.json == {"result": "replaced"}
    stored = _installation(runtime)
    assert stored is not None and stored.backend_url == EU_URLS.backend_url
    assert (
        runtime.cipher.decrypt(stored.token_ciphertext, workspace_id=WORKSPACE_ID).reveal()
        == clockify.sent[-1]
    )


def test_older_installed_arriving_late_does_not_replace_newer(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    old_body = clockify.installed_body(token=clockify.installation_token(now=time.time() - 600))
    clockify.install()
    newest = clockify.sent[-1]

    late = clockify.post("INSTALLED", old_body)

    assert late.json == {"result": "ignored_stale"}
    stored = _installation(runtime)
    assert stored is not None
    assert (
        runtime.cipher.decrypt(stored.token_ciphertext, workspace_id=WORKSPACE_ID).reveal()
        == newest
    )


def test_deleted_removes_every_workspace_row_and_is_idempotent(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install(webhooks=3)

    first = clockify.uninstall()
    again = clockify.uninstall()

    assert first.json == {"result": "removed"}
    assert again.json == {"result": "unchanged"}
    assert _count(runtime, Installation) == 0
    assert _count(runtime, WebhookSubscription) == 0
    assert _count(runtime, RemovedInstallation) == 1


def test_installed_redelivered_after_deleted_does_not_resurrect(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    body = clockify.installed_body()
    clockify.post("INSTALLED", body)
    clockify.uninstall()

    late = clockify.post("INSTALLED", body)

    assert late.status_code == 200
    assert late.json == {"result": "ignored_stale"}
    assert _count(runtime, Installation) == 0


def test_fresh_install_after_deleted_is_accepted(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install(token=clockify.installation_token(now=time.time() - 60))
    clockify.uninstall()

    response = clockify.install(token=clockify.installation_token(now=time.time() + 1))

    assert response.json == {"result": "created"}
    assert _count(runtime, Installation) == 1


def test_status_changed_records_inactive_then_active(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install()
    now = time.time()

    inactive = clockify.set_status("INACTIVE", now=now)
    stored = _installation(runtime)
    assert inactive.json == {"result": "updated"}
    assert stored is not None and not stored.is_active

    active = clockify.set_status("ACTIVE", now=now + 5)
    stored = _installation(runtime)
    assert active.json == {"result": "updated"}
    assert stored is not None and stored.is_active


def test_status_change_delivered_out_of_order_keeps_the_newest(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install()
    now = time.time()
    clockify.set_status("INACTIVE", now=now + 10)

    late = clockify.set_status("ACTIVE", now=now + 5)

    assert late.json == {"result": "ignored_stale"}
    stored = _installation(runtime)
    assert stored is not None and not stored.is_active


def test_settings_updated_stores_the_flat_list(clockify: ClockifyActions, runtime: Runtime) -> None:
    clockify.install()
    settings = [
        {"id": "invoice-number-pattern", "name": "Invoice number pattern", "value": "A-{seq:3}"},
        {"id": "tax-percent", "name": "Tax (%)", "value": 19},
        {"id": "flag", "name": "Flag", "value": True},
        {"id": "multi", "name": "Multi", "value": ["option 1", "option 2"]},
    ]

    response = clockify.update_settings(settings)
    repeated = clockify.update_settings(settings)

    assert response.json == {"result": "updated"}
    assert repeated.json == {"result": "unchanged"}
    stored = _installation(runtime)
    assert stored is not None and stored.settings == settings


def test_settings_update_delivered_late_does_not_overwrite_newer(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install()
    now = time.time()
    clockify.update_settings([{"id": "tax-percent", "name": "Tax", "value": 20}], now=now + 10)

    late = clockify.update_settings([{"id": "tax-percent", "name": "Tax", "value": 7}], now=now)

    assert late.json == {"result": "ignored_stale"}
    stored = _installation(runtime)
    assert stored is not None and stored.settings[0]["value"] == 20


def test_status_and_settings_for_unknown_installation_answer_404(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    status = clockify.set_status("INACTIVE")
    settings = clockify.update_settings([])

    assert status.status_code == 404
    assert status.json is not None and status.json["error"] == "not_installed"
    assert settings.status_code == 404


def test_callback_for_another_installation_of_the_workspace_is_a_conflict(
    clockify: ClockifyActions, runtime: Runtime
) -> None:
    clockify.install()
    body = {"addonId": "0" * 24, "workspaceId": WORKSPACE_ID, "status": "INACTIVE"}
    token = clockify.issuer.lifecycle_token(workspace_id=WORKSPACE_ID, addon_id="0" * 24)

    response = clockify.post("STATUS_CHANGED", body, token=token)

    assert response.status_code == 409
    stored = _installation(runtime)
    assert stored is not None and stored.is_active
