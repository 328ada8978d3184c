"""The sidebar as the browser tests drive it: inside the sandbox's Clockify page, in its iframe.

`open_sidebar` loads the shell page, which mints a fresh user token per view as Clockify does.
The shell always asks for the default theme and English; to see what Clockify sends a user who
chose the dark theme or German, `token=` swaps the iframe's request for one carrying a token we
minted (`user_token`), so the page stays inside the real shell and its frame-ancestors policy.

`expected_summary` builds the model the preview must show with the add-on's own pieces: the
entries come from the sandbox through `ClockifyClient` (the live add-on's stored installation),
the totals from `build_summary`, and the strings from the report's `Formatter`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from addon.clockify.queries import Invoicing, ReportFilter
from addon.render.i18n import DurationStyle, Formatter
from addon.render.summary_tables import group_label
from addon.reports.aggregate import build_summary
from addon.reports.model import GroupBy, Summary
from addon.reports.periods import DateRange, Weekday
from addon.services.installations import clockify_for
from sandbox.state import SEED_WORKSPACE_ID
from sandbox.tokens import ApiUrls
from tests.e2e.conftest import LiveStack

__all__ = [
    "SCREEN",
    "Sidebar",
    "expected_summary",
    "formatted_totals",
    "open_sidebar",
    "row_labels",
    "user_token",
]

SCREEN = {"width": 1200, "height": 800}
WAIT = 15_000
"""Milliseconds any one step may take (a report job over the seeded workspace takes ~1 s)."""


@dataclass
class Sidebar:
    page: Any  # playwright.sync_api.Page
    frame: Any  # playwright.sync_api.FrameLocator

    @property
    def form(self) -> Any:
        """The Report tab's form (the schedule form repeats many of its labels)."""
        return self.frame.locator("#report-form")

    def tab(self, name: str) -> None:
        self.frame.get_by_role("tab", name=name).click()

    def run_report(self) -> str:
        """Click Run and wait for this run's result; returns the progress line."""
        progress = self.frame.locator("#report-progress")
        self.frame.locator("#run-report").click()
        self.frame.locator("#report-progress.done").wait_for(timeout=WAIT)
        self.frame.locator("#report-result:not(.stale)").wait_for(timeout=WAIT)
        return str(progress.inner_text())

    def totals(self) -> dict[str, str]:
        found = {}
        for key in ("duration", "billable_duration", "entries"):
            found[key] = self.frame.locator(f'[data-total="{key}"]').inner_text()
        amounts = self.frame.locator('[data-total="amounts"] .amount').all_inner_texts()
        found["amounts"] = " | ".join(amounts)
        return found

    def tick(self, picker: str, *names: str) -> None:
        """Tick `names` in the filter `picker` (e.g. "r-clients") and close it."""
        box = self.frame.locator(f"#{picker}")
        box.locator("summary").click()
        for name in names:
            box.get_by_role("checkbox", name=name, exact=True).check()
        box.locator("summary").click()

    def screenshot(self, path: Path, target: Any = None) -> None:
        """Save the page (the Clockify shell around our iframe), `target` scrolled into view."""
        if target is not None:
            target.evaluate("node => node.scrollIntoView({block: 'start'})")
        self.page.screenshot(path=path)


def user_token(
    live: LiveStack,
    addon_id: str,
    *,
    user_id: str | None = None,
    role: str = "OWNER",
    language: str = "EN",
    theme: str = "DEFAULT",
) -> str:
    workspace = live.sandbox.state.workspace(SEED_WORKSPACE_ID)
    urls = ApiUrls.for_sandbox(live.sandbox.url, workspace.region, workspace.subdomain)
    return str(
        live.sandbox.issuer.user_token(
            workspace_id=SEED_WORKSPACE_ID,
            addon_id=addon_id,
            user_id=user_id or workspace.owner.id,
            urls=urls,
            role=role,
            language=language,
            theme=theme,
        )
    )


def open_sidebar(
    browser: Any,
    live: LiveStack,
    addon_id: str,
    *,
    token: str | None = None,
    ready: bool = True,
    viewport: dict[str, int] = SCREEN,
) -> Sidebar:
    """The shell page with our sidebar; `ready` waits until the page has loaded its data."""
    page = browser.new_page(viewport=viewport, accept_downloads=True)
    if token is not None:
        prefix = f"{live.addon.url}/sidebar?auth_token="

        def swap(route: Any) -> None:
            route.continue_(url=prefix + token)

        page.route(f"{prefix}*", swap)
    page.goto(live.shell_url(addon_id))
    frame = page.frame_locator("#addon-frame")
    if ready:
        frame.locator("body.ready").wait_for(timeout=WAIT)
    return Sidebar(page, frame)


def expected_summary(
    live: LiveStack,
    *,
    start: date,
    end: date,
    zone: str,
    groups: Sequence[GroupBy],
    clients: Sequence[str] = (),
    billable: bool | None = None,
) -> Summary:
    runtime = live.addon.app.extensions["addon"]
    query = ReportFilter(
        DateRange(start, end),
        zone,
        clients=tuple(clients),
        billable=billable,
        invoicing=Invoicing.ALL,
    )
    with clockify_for(runtime, SEED_WORKSPACE_ID) as client:
        entries = list(client.detailed(query))
    return build_summary(entries, tuple(groups), zone=zone, week_start=Weekday.MONDAY)


def row_labels(summary: Summary, locale: str = "en_US") -> list[str]:
    """The first level's row labels as every renderer prints them."""
    fmt = Formatter(locale, DurationStyle.DECIMAL)
    return [group_label(row, fmt) for row in summary.rows]


def formatted_totals(summary: Summary, locale: str = "en_US") -> dict[str, str]:
    fmt = Formatter(locale, DurationStyle.DECIMAL)
    totals = summary.totals
    return {
        "duration": fmt.duration(totals.duration),
        "billable_duration": fmt.duration(totals.billable_duration),
        "entries": f"{totals.entries:,}",
        "amounts": " | ".join(fmt.money(amount) for amount in totals.amounts),
    }
