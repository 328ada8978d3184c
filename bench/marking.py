"""Marking an issued invoice's time entries invoiced in Clockify, under the 50 requests/s limit.

The sandbox (in this process) holds one generated workspace; the real `ClockifyClient` with the
add-on's SQLite-backed limiter sends `PATCH /time-entries/invoiced` in batches of `MARK_BATCH`.
Each case marks N entries, then unmarks them (not timed) so the next case starts alike. The
sandbox's request log gives requests, the busiest one-second window and 429s.

Baseline, in the same run: one id per request (what a client without batching sends), over the
first `--naive` entries; its ids/s is the figure our batches are compared with. A last case puts
one id Clockify refuses among the entries, to show what isolating it costs.

    .venv/bin/python bench/marking.py [--entries 20000] [--naive 300]
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addon.clockify.client import MARK_BATCH, ClockifyClient, Endpoints
from addon.clockify.transport import Transport
from addon.manifest import build_manifest
from addon.secret import Secret
from addon.settings import Settings
from addon.store.db import create_db_engine
from addon.store.migrate import upgrade
from addon.store.permits import RateLimiter
from sandbox import SandboxServer, TokenIssuer, busiest_window
from sandbox.generator import generate_workspace
from sandbox.manifests import parse_manifest
from sandbox.tokens import ApiUrls

REFUSED = "5f00000000000000000000ff"


def observed(sandbox: SandboxServer, ws_id: str) -> tuple[int, int, int]:
    """(requests, busiest one-second window, 429s) of the marking calls logged since reset."""
    records = [r for r in sandbox.state.recorder.records(ws_id) if r.path.endswith("/invoiced")]
    throttled = sum(1 for r in records if r.status == 429)
    return len(records), busiest_window(records), throttled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--naive", type=int, default=300, help="ids marked one per request")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    settings = Settings()
    issuer = TokenIssuer(addon_key="reports-invoices")
    database_url = f"sqlite:///{tempfile.mkdtemp(prefix='marking-bench-')}/limits.sqlite3"
    upgrade(database_url)
    engine = create_db_engine(database_url)
    limiter = RateLimiter(engine, settings.clockify_rate, settings.clockify_burst)
    with SandboxServer(issuer) as sandbox:
        print(f"generating a workspace of {args.entries:,} entries ...", flush=True)
        ws = generate_workspace(
            sandbox.state,
            11,
            entries=args.entries,
            expenses=0,
            start=date(2025, 1, 1),
            end=date(2025, 12, 31),
            currencies=("EUR",),
        )
        manifest = parse_manifest(build_manifest(settings), expected_key=settings.addon_key)
        token = sandbox.register_installation(ws, manifest).auth_token
        urls = ApiUrls.for_sandbox(sandbox.url, None)
        transport = Transport(Secret(token), limiter.for_workspace(ws.id))
        client = ClockifyClient(Endpoints(ws.id, urls.backend_url, urls.reports_url), transport)
        ids = [entry.id for entry in ws.entries]
        print(
            f"limiter {settings.clockify_rate:g}/s, burst {settings.clockify_burst}; "
            f"{MARK_BATCH} ids per request\n"
        )
        print(
            f"{'case':<28} {'ids':>7} {'requests':>8} {'seconds':>8} {'ids/s':>8} "
            f"{'busiest 1s':>10} {'429s':>4} {'x naive':>8}"
        )

        def run(label: str, chosen: list[str], naive_rate: float | None) -> float:
            sandbox.state.recorder.reset()
            started = time.perf_counter()
            if label.startswith("naive"):
                for entry in chosen:
                    client.mark_invoiced([entry])
            else:
                client.mark_invoiced(chosen)
            seconds = time.perf_counter() - started
            count, busiest, throttled = observed(sandbox, ws.id)
            real = [entry for entry in chosen if entry != REFUSED]
            for first in range(0, len(real), 1000):  # put the workspace back, untimed
                with sandbox.state.lock:
                    ws.set_invoiced(real[first : first + 1000], False)
            rate = len(chosen) / seconds
            ratio = f"{rate / naive_rate:>8.1f}" if naive_rate else f"{'1.0':>8}"
            print(
                f"{label:<28} {len(chosen):>7,} {count:>8} {seconds:>8.2f} {rate:>8.0f} "
                f"{busiest:>10} {throttled:>4} {ratio}"
            )
            return rate

        naive = run("naive: one id per request", ids[: args.naive], None)
        for size in (200, 1_000, 5_000, args.entries):
            if size <= len(ids):
                run(f"batched: {size:,} entries", ids[:size], naive)
        middle = min(5_000, len(ids)) // 2
        with_bad = [*ids[:middle], REFUSED, *ids[middle : 2 * middle]]
        run("batched, 1 refused id", with_bad, naive)
        client.close()
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
