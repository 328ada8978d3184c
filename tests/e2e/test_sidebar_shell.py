"""The sidebar inside the sandbox's Clockify shell: loading, refusal, theme, language, width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sandbox.data import Role
from sandbox.state import SEED_WORKSPACE_ID
from tests.e2e.conftest import LiveStack
from tests.e2e.sidebar_page import open_sidebar, user_token

pytestmark = pytest.mark.browser


def _member(live: LiveStack, role: Role) -> str:
    workspace = live.sandbox.state.workspace(SEED_WORKSPACE_ID)
    return next(user.id for user in workspace.users.values() if user.role is role)


def test_sidebar_loads_in_the_iframe_without_the_token_in_its_url(
    live: LiveStack, browser: Any
) -> None:
    addon_id = live.install()

    sidebar = open_sidebar(browser, live, addon_id)

    frame = sidebar.frame
    assert frame.locator("h1").inner_text() == "Reports & Invoices"
    assert frame.locator("#workspace-name").inner_text().startswith("Northwind Studio")
    tabs = frame.get_by_role("tab").all_inner_texts()
    assert [tab.lower() for tab in tabs] == ["report", "invoices", "schedules"]
    frame_url = (
        sidebar.page.frame_locator("#addon-frame")
        .locator("body")
        .evaluate("() => window.location.href")
    )
    assert "auth_token" not in frame_url
    assert frame.locator("#r-start").input_value() <= frame.locator("#r-end").input_value()


def test_tabs_follow_the_keyboard(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    frame = open_sidebar(browser, live, addon_id).frame

    frame.get_by_role("tab", name="Report").focus()
    frame.get_by_role("tab", name="Report").press("ArrowRight")

    invoices = frame.get_by_role("tab", name="Invoices")
    assert invoices.get_attribute("aria-selected") == "true"
    assert invoices.evaluate("tab => tab === document.activeElement")
    assert frame.locator("#panel-invoices").is_visible()
    assert not frame.locator("#panel-report").is_visible()
    invoices.press("End")
    assert frame.get_by_role("tab", name="Schedules").get_attribute("aria-selected") == "true"


def test_a_regular_member_sees_a_refusal_page_instead_of_the_sidebar(
    live: LiveStack, browser: Any, screenshots: Path
) -> None:
    addon_id = live.install()
    member = _member(live, Role.USER)

    sidebar = open_sidebar(
        browser,
        live,
        addon_id,
        token=user_token(live, addon_id, user_id=member, role="USER"),
        ready=False,
    )

    frame = sidebar.frame
    heading = frame.get_by_role("heading", level=1)
    assert heading.inner_text(timeout=10_000) == (
        "Only workspace owners and admins can use Reports & Invoices"
    )
    assert frame.get_by_role("alert").is_visible()
    assert "Error 403" in frame.locator(".refusal-details").inner_text()
    assert frame.locator('meta[name="session"]').count() == 0
    assert frame.locator("script").count() == 0
    assert frame.get_by_role("tab").count() == 0
    sidebar.screenshot(screenshots / "refusal.png")


@pytest.mark.parametrize(
    ("language", "lang", "heading", "code"),
    [
        ("DE", "de", "Nur Inhaber und Admins", "Fehler 403"),
        ("pt_BR", "pt", "Somente proprietários e administradores", "Erro 403"),
    ],
)
def test_the_refusal_speaks_the_members_language(
    live: LiveStack, browser: Any, language: str, lang: str, heading: str, code: str
) -> None:
    addon_id = live.install()
    member = _member(live, Role.USER)
    token = user_token(live, addon_id, user_id=member, role="USER", language=language)

    frame = open_sidebar(browser, live, addon_id, token=token, ready=False).frame

    title = frame.get_by_role("heading", level=1)
    assert title.inner_text(timeout=10_000).startswith(heading)
    assert frame.locator("html").get_attribute("lang") == lang
    assert frame.locator(".refusal-details").inner_text() == code


def test_dark_theme_and_german_come_from_the_clockify_token(
    live: LiveStack, browser: Any, screenshots: Path
) -> None:
    addon_id = live.install()
    token = user_token(live, addon_id, theme="DARK", language="DE")

    sidebar = open_sidebar(browser, live, addon_id, token=token)

    frame = sidebar.frame
    assert frame.locator("html").get_attribute("lang") == "de"
    assert "theme-dark" in (frame.locator("body").get_attribute("class") or "")
    background = frame.locator("body").evaluate("body => getComputedStyle(body).backgroundColor")
    assert background == "rgb(28, 35, 43)"
    assert frame.get_by_role("tab").all_inner_texts() == ["BERICHT", "RECHNUNGEN", "ZEITPLÄNE"]
    assert frame.get_by_label("Zeitzone").first.is_visible()
    assert frame.get_by_role("button", name="Bericht erstellen").is_visible()
    frame.get_by_label("Daten", exact=True).select_option("last_month")
    frame.get_by_label("Dann nach").first.select_option("USER")
    sidebar.run_report()
    assert frame.locator("#report-progress").inner_text().startswith("Bericht fertig")
    sidebar.screenshot(screenshots / "dark-theme.png", frame.locator("body"))


SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.mark.parametrize(
    ("language", "lang", "tabs", "run", "zone"),
    [
        ("ja", "ja", ["レポート", "請求書", "スケジュール"], "レポートを作成", "タイムゾーン"),
        ("ES", "es", ["INFORME", "FACTURAS", "PROGRAMACIONES"], "Ejecutar informe", "Zona horaria"),
    ],
)
def test_japanese_and_spanish_come_from_the_clockify_token_and_fit_the_iframe(
    live: LiveStack,
    browser: Any,
    screenshots: Path,
    language: str,
    lang: str,
    tabs: list[str],
    run: str,
    zone: str,
) -> None:
    addon_id = live.install()
    token = user_token(live, addon_id, language=language)

    # 860 px leaves the iframe about 600 px, as in test_the_page_fits_a_600_pixel_wide_iframe.
    viewport = {"width": 860, "height": 900}
    sidebar = open_sidebar(browser, live, addon_id, token=token, viewport=viewport)

    frame = sidebar.frame
    assert frame.locator("html").get_attribute("lang") == lang
    assert frame.get_by_role("tab").all_inner_texts() == tabs
    assert frame.get_by_role("button", name=run).is_visible()
    assert frame.get_by_label(zone).first.is_visible()
    assert frame.locator("body").evaluate(SIDEWAYS) <= 0
    sidebar.screenshot(screenshots / f"report-{lang}.png")
    frame.locator("#tab-schedules").click()
    frame.locator("#schedule-new").click()
    assert frame.locator("body").evaluate(SIDEWAYS) <= 0
    sidebar.screenshot(screenshots / f"schedule-{lang}.png", frame.locator("#schedule-form"))


def test_the_page_fits_a_600_pixel_wide_iframe(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()

    # The shell's navigation takes 220 px, so this leaves the iframe about 600 px.
    sidebar = open_sidebar(browser, live, addon_id, viewport={"width": 860, "height": 800})

    frame = sidebar.frame
    width = frame.locator("body").evaluate("body => document.documentElement.clientWidth")
    assert 560 <= width <= 640
    sidebar.run_report()
    for tab in ("Report", "Schedules"):
        sidebar.tab(tab)
        overflow = frame.locator("body").evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{tab} scrolls sideways by {overflow}px"
    frame.locator("#schedule-new").click()
    assert frame.get_by_label("Name", exact=True).is_visible()


UNNAMED_CONTROLS = """() => [...document.querySelectorAll("input, select, textarea, button")]
  .filter((node) => node.type !== "hidden")
  .filter((node) => !(node.labels && node.labels.length) && !node.getAttribute("aria-label")
    && !node.getAttribute("aria-labelledby")
    && !(node.tagName === "BUTTON" && node.textContent.trim()))
  .map((node) => node.outerHTML.slice(0, 120))"""


def test_every_control_has_a_name_and_progress_is_announced(live: LiveStack, browser: Any) -> None:
    addon_id = live.install()
    sidebar = open_sidebar(browser, live, addon_id)
    frame = sidebar.frame
    frame.locator("#report-form").get_by_label("Invoice drafts").check()
    frame.locator("#report-form").get_by_label("Dates", exact=True).select_option("last_month")
    sidebar.run_report()
    sidebar.tab("Schedules")
    frame.get_by_role("button", name="New schedule").click()

    unnamed = frame.locator("body").evaluate(UNNAMED_CONTROLS)

    assert unnamed == []
    for status in ("#report-progress", "#test-progress", "#s-test-progress", "#schedules-status"):
        assert frame.locator(status).get_attribute("aria-live") == "polite"
    assert frame.locator("#banner").get_attribute("role") == "alert"
