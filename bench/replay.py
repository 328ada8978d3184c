"""Recorded detailed-report pages, and a server that replays them at next to no CPU of its own.

`record_pages` asks the sandbox once for a few 1,000-row pages of one generated workspace in
each documented shape and keeps the response bytes. `ReplayServer` then serves those bytes from
a child process (a bare `http.server` handler: read the request, pick the page by its number,
write pre-encoded bytes), so a caller's rate is bounded by its own CPU and the limiter, not by
the simulator's report engine. `replay_table` prints, per shape, the client's CPU per 1,000-row
page (the old parse and the new, with `json.loads` alone as the floor) and the rate one caller
sustains, before and after, with the limiter alone as the ceiling: `bench/fetch.py --replay`.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from typing import Any

import requests

import addon.clockify.client as client_module
from addon.clockify.client import ClockifyClient, Endpoints
from addon.clockify.entries import DetailedPage, parse_detailed_page
from addon.clockify.queries import ReportFilter
from addon.clockify.reconcile import RangeService, ReportLimits
from addon.clockify.rows import decode_detailed_page
from addon.clockify.summaries import parse_detailed_totals
from addon.clockify.transport import Permits, Transport
from addon.manifest import build_manifest
from addon.reports.periods import DateRange
from addon.secret import Secret
from addon.settings import Settings
from addon.store.db import create_db_engine
from addon.store.permits import RateLimiter

PAGE_ROWS = 1000
REPLAY_WORKSPACE = "5" * 24
REPLAY_PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


@dataclass(frozen=True)
class Recording:
    """One shape's pages: `pages[0]` is page 1 (with totals), the rest follow without."""

    shape: str
    pages: tuple[bytes, ...]

    @property
    def rows(self) -> int:
        return sum(len(_rows(json.loads(page))) for page in self.pages)


def _rows(body: dict[str, Any]) -> list[Any]:
    rows: list[Any] = body.get("timeentries", body.get("timeEntries", []))
    return rows


def record_pages(pages: int = 3) -> list[Recording]:
    """`pages` full pages of one year's report, recorded from a real sandbox in each shape."""
    from sandbox import GUIDE, LIVE, OFFICIAL, SandboxServer, ShapeMode, TokenIssuer
    from sandbox.generator import generate_workspace
    from sandbox.manifests import parse_manifest
    from sandbox.tokens import ApiUrls

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    shapes = {
        "official": OFFICIAL,
        "live": LIVE,
        "guide": GUIDE,
        "amounts,iso": ShapeMode(entry_money="amounts", duration="iso", entry_id="id"),
    }
    recordings = []
    with SandboxServer(TokenIssuer(addon_key="reports-invoices")) as sandbox:
        start, end = REPLAY_PERIOD
        ws = generate_workspace(
            sandbox.state, 11, entries=pages * PAGE_ROWS, expenses=0, start=start, end=end,
            currencies=("EUR",),
        )  # fmt: skip
        manifest = parse_manifest(build_manifest(Settings()), expected_key="reports-invoices")
        token = sandbox.register_installation(ws, manifest, addon_id="c" * 24).auth_token
        url = ApiUrls.for_sandbox(sandbox.url, None).reports_url
        url = f"{url}/v1/workspaces/{ws.id}/reports/detailed"
        session = requests.Session()
        session.headers["X-Addon-Token"] = token
        period = {
            "dateRangeStart": f"{start.isoformat()}T00:00:00",
            "dateRangeEnd": f"{end.isoformat()}T23:59:59.999",
            "timeZone": "UTC",
        }
        for name, shape in shapes.items():
            sandbox.state.set_shape(ws.id, shape)
            got = []
            for page in range(1, pages + 1):
                totals = "CALCULATE" if page == 1 else "EXCLUDE"
                filters = {"page": page, "pageSize": PAGE_ROWS, "options": {"totals": totals}}
                answer = session.post(url, json={**period, "detailedFilter": filters}, timeout=60)
                answer.raise_for_status()
                got.append(answer.content)
            recordings.append(Recording(name, tuple(got)))
    return recordings


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers, then body, wait out a delayed ACK (40 ms)
    pages: tuple[bytes, ...] = ()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        page = int(request.get("detailedFilter", {}).get("page", 1))
        body = self.pages[page - 1] if page <= len(self.pages) else b'{"timeentries":[]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # the base's name
        pass


def _serve(conn: Connection, pages: tuple[bytes, ...]) -> None:
    handler = type("Handler", (_Handler,), {"pages": pages})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    conn.send(server.server_address[1])
    server.serve_forever()


class ReplayServer:
    """One recording served by a child process; `.url` is the reports base, `.stop()` ends it."""

    def __init__(self, recording: Recording) -> None:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, recording.pages), daemon=True)
        self._process.start()
        self.url = f"http://127.0.0.1:{parent.recv()}"

    def stop(self) -> None:
        self._process.terminate()
        self._process.join(timeout=10)


def _cpu_per_page(parse: Callable[[bytes, bool], object], pages: tuple[bytes, ...]) -> float:
    """Milliseconds of CPU to parse one 1,000-row page, averaged over every page, 10 rounds."""
    started = time.process_time()
    for _ in range(10):
        for number, page in enumerate(pages, 1):
            parse(page, number == 1)
    return (time.process_time() - started) * 1e3 / (10 * len(pages))


def _loads(page: bytes, first: bool) -> object:
    return json.loads(page, parse_float=Decimal)


def _old_parse(page: bytes, first: bool) -> DetailedPage:
    """The client's parse before the fast decoder: `json.loads`, then the reference parser."""
    body = json.loads(page, parse_float=Decimal)
    parsed = parse_detailed_page(body, currency_fallback="EUR")
    totals = parse_detailed_totals(body, currency_fallback="EUR") if first else None
    return DetailedPage(parsed.entries, parsed.count, totals)


def _new_parse(page: bytes, first: bool) -> DetailedPage:
    return decode_detailed_page(page, currency_fallback="EUR", totals=first)


def _sustained(url: str, permits: Permits, old: bool, reports: int) -> tuple[float, float, int]:
    """(requests/s, client CPU ms per page, requests) of one caller fetching `reports` reports."""
    transport = Transport(Secret("replay"), permits)
    endpoints = Endpoints(REPLAY_WORKSPACE, url, url)
    limits = ReportLimits(long_ranges=RangeService.FULL)
    client = ClockifyClient(endpoints, transport, currency="EUR", limits=limits)
    period = ReportFilter(DateRange(*REPLAY_PERIOD), "Europe/Berlin")
    decode = client_module.decode_detailed_page
    if old:  # the bench swaps the client's decoder for the reference, as it was before
        client_module.decode_detailed_page = lambda content, *, currency_fallback, totals: (
            _old_parse(content, totals)
        )
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(reports):
            for _entry in client.detailed(period):
                pass
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        client_module.decode_detailed_page = decode
        client.close()
    sent = transport.stats.requests
    return sent / wall, cpu * 1e3 / sent, sent


def _limiter_alone(permits: Permits, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        permits.acquire()
    return calls / (time.perf_counter() - started)


def replay_table(rate: float, burst: int, database_url: str, reports: int = 40) -> None:
    """CPU per 1,000-row page and one caller's sustained rate, before and after, per shape.

    `CPU ceiling` is the rate the client's CPU per page alone would allow one core (as a share
    of the limiter's rate): on a loaded machine the measured rate also waits for the server.
    """
    print("recording 3 pages of 1,000 rows per shape from the sandbox ...", flush=True)
    recordings = record_pages(3)
    engine = create_db_engine(database_url)
    limiter = RateLimiter(engine, rate, burst)
    print(f"\nOne caller against recorded pages (limiter {rate:g}/s); CPU ms per 1,000-row page")
    print(
        f"{'shape':>12} {'json.loads':>10} {'old parse':>9} {'new parse':>9} "
        f"{'client':>7} {'req/s':>6} {'of limit':>8} {'CPU ceiling':>11}"
    )
    alone = _limiter_alone(limiter.for_workspace("limiter-only"), reports * 3)
    for recording in recordings:
        loads = _cpu_per_page(_loads, recording.pages)
        old = _cpu_per_page(_old_parse, recording.pages)
        new = _cpu_per_page(_new_parse, recording.pages)
        server = ReplayServer(recording)
        try:
            for label, use_old in (("before", True), ("after", False)):
                permits = limiter.for_workspace(f"{recording.shape}-{label}")
                per_s, cpu, _ = _sustained(server.url, permits, use_old, reports)
                figures = f"{loads:>10.1f} {old:>9.1f} {new:>9.1f}" if use_old else " " * 30
                name = recording.shape if use_old else ""
                ceiling = 1e3 / cpu / rate  # what one core could sustain at this CPU per page
                print(
                    f"{name:>12} {figures} {cpu:>7.1f} {per_s:>6.1f} {per_s / rate:>8.0%} "
                    f"{ceiling:>11.0%}  {label}"
                )
        finally:
            server.stop()
    print(f"{'limiter alone':>12} {'':>30} {'':>7} {alone:>6.1f} {alone / rate:>8.0%}")
    engine.dispose()
