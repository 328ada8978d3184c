"""`make demo`: the Clockify sandbox, the add-on and a local SMTP outbox, wired together.

Everything runs on loopback in one process: the sandbox (with its seeded workspace and a key pair
made now), the add-on on a fresh SQLite file with a fresh encryption key, and an aiosmtpd outbox
that keeps every message as an `.eml` file. The add-on is installed into the seeded workspace by
the real INSTALLED lifecycle call, then one URL is printed: the Clockify-like page with our
sidebar in its iframe; the sandbox also shows the saved mail at `/outbox`.

A sample schedule ("Weekly summary", daily at the next whole minute in Europe/Berlin, covering
the previous week, with CSV, XLSX and PDF attached) is saved for the seeded workspace, and the
add-on's scheduler ticks every 5 s inside the demo, so a minute after start the outbox holds a
real scheduled email. `--check` delivers that run at once (one tick at its due instant), then
fetches the shell page, the iframe and the outbox and checks the message is listed there; through
the sidebar's API it builds a summary (and downloads its PDF) and issues one invoice, whose time
must end up marked invoiced in the sandbox (the test-suite runs it so `make demo` cannot silently
rot). Then it asks for that invoice's e-invoices: refused with every problem while the forms are
empty (the demo prefills nothing), and each format downloads once it has filled them with the
public sample values of `sandbox.demo_einvoices`.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import io
import logging
import re
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
from aiosmtpd.controller import Controller
from flask import Flask

from addon import create_app
from addon.delivery.runner import tick
from addon.mail.compose import Recipients
from addon.mail.smtp import SmtpSender
from addon.render.files import FileFormat
from addon.reports.model import GroupBy
from addon.runtime import Runtime
from addon.schedules import Cadence, Coverage, next_occurrence
from addon.services import schedules
from addon.services.schedule_spec import ReportSpec, ScheduleSpec
from addon.settings import LogFormat, Secret, Settings
from addon.store.crypto import TokenCipher
from addon.store.migrate import upgrade
from sandbox.demo_einvoices import check_einvoices
from sandbox.served import ServedApp
from sandbox.server import SandboxServer
from sandbox.state import SEED_WORKSPACE_ID
from sandbox.tokens import TokenIssuer

log = logging.getLogger("sandbox.demo")


class Outbox:
    """aiosmtpd handler: each message becomes a numbered `.eml` file in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0
        self._lock = threading.Lock()

    # aiosmtpd calls the hook by this exact name.
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.count += 1
            path = self.directory / f"{self.count:04d}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        log.info("outbox: message %d for %s saved to %s", self.count, envelope.rcpt_tos, path)
        return "250 Message accepted for delivery"


def free_port(preferred: int) -> int:
    """`preferred` when it is free (stable URLs for people), else any free port."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise OSError("no free port")


@dataclass(frozen=True)
class Demo:
    sandbox_url: str
    addon_url: str
    smtp_port: int
    outbox: Path
    outbox_url: str
    addon_id: str
    open_url: str
    runtime: Runtime
    first_send: datetime


@contextmanager
def run_demo(
    data_dir: Path, *, sandbox_port: int, addon_port: int, smtp_port: int, scheduler: bool = True
) -> Iterator[Demo]:
    """Start everything, install the add-on, yield the URLs; stop everything on exit."""
    shutil.rmtree(data_dir, ignore_errors=True)
    (data_dir / "outbox").mkdir(parents=True)
    with ExitStack() as stack:
        issuer = TokenIssuer(addon_key=Settings().addon_key)
        sandbox = SandboxServer(
            issuer, port=free_port(sandbox_port), outbox_dir=data_dir / "outbox"
        ).start()
        stack.callback(sandbox.stop)

        smtp_port = free_port(smtp_port)
        controller = Controller(Outbox(data_dir / "outbox"), hostname="127.0.0.1", port=smtp_port)
        controller.start()
        stack.callback(controller.stop)

        database_url = f"sqlite:///{data_dir / 'addon.sqlite3'}"
        upgrade(database_url)

        apps: list[Flask] = []

        def build_addon(url: str) -> Any:
            apps.append(
                create_app(
                    Settings(
                        public_url=url,
                        database_url=database_url,
                        encryption_keys=(Secret(TokenCipher.generate_key()),),
                        clockify_public_keys=(issuer.public_key_pem,),
                        frame_ancestors=(sandbox.url,),
                        log_format=LogFormat.TEXT,
                        smtp_port=smtp_port,
                        scheduler_in_web=scheduler,
                        scheduler_tick_seconds=5,
                    )
                )
            )
            return apps[-1]

        addon = stack.enter_context(ServedApp(build_addon, port=free_port(addon_port)))
        response = requests.post(
            f"{sandbox.url}/sandbox/workspaces/{SEED_WORKSPACE_ID}/addons",
            json={"manifestUrl": f"{addon.url}/manifest"},
            timeout=10,
        )
        result = response.json()
        if response.status_code != 201 or result.get("lifecycleStatus") != 200:
            raise RuntimeError(f"installing the add-on into the sandbox failed: {result}")
        addon_id = result["addonId"]
        runtime = apps[0].extensions["addon"]
        first_send = _save_sample_schedule(runtime)
        yield Demo(
            sandbox_url=sandbox.url,
            addon_url=addon.url,
            smtp_port=smtp_port,
            outbox=data_dir / "outbox",
            outbox_url=f"{sandbox.url}/outbox",
            addon_id=addon_id,
            open_url=f"{sandbox.url}/workspaces/{SEED_WORKSPACE_ID}/addons/{addon_id}/0",
            runtime=runtime,
            first_send=first_send,
        )


def _save_sample_schedule(runtime: Runtime) -> datetime:
    """A daily summary due at the next whole minute in Berlin; returns when it is first sent."""
    now = runtime.now()
    local = now.astimezone(ZoneInfo("Europe/Berlin")) + timedelta(minutes=1)
    spec = ScheduleSpec(
        name="Weekly summary",
        report=ReportSpec(groups=(GroupBy.PROJECT, GroupBy.USER)),
        cadence=Cadence.daily(hour=local.hour, minute=local.minute, zone="Europe/Berlin"),
        coverage=Coverage.PREVIOUS_WEEK,
        formats=(FileFormat.CSV, FileFormat.XLSX, FileFormat.PDF),
        recipients=Recipients.parse(["owner@northwind.example"], bcc=["archive@example.com"]),
        subject_template="{name}: {period}",
    )
    schedules.create(runtime, SEED_WORKSPACE_ID, spec, created_by="demo")
    return next_occurrence(spec.cadence, now).at


def check(demo: Demo) -> None:
    """Deliver the sample schedule now, then fetch the shell page, its iframe and the outbox."""
    report = tick(
        demo.runtime,
        now=demo.first_send,
        owner="demo-check",
        sender=SmtpSender.from_settings(demo.runtime.settings),
    )
    if len(report.sent) != 1:
        raise RuntimeError(f"the sample schedule was not delivered: {report}")
    _check_email(demo.outbox)
    page = requests.get(demo.open_url, timeout=10)
    page.raise_for_status()
    match = re.search(r'id="addon-frame"[^>]*src="([^"]+)"', page.text) or re.search(
        r'src="([^"]+)"[^>]*id="addon-frame"', page.text
    )
    if match is None:
        raise RuntimeError("the sandbox page has no add-on iframe")
    frame = requests.get(match.group(1).replace("&amp;", "&"), timeout=10)
    frame.raise_for_status()
    if SEED_WORKSPACE_ID not in frame.text:
        raise RuntimeError("the sidebar does not show the seeded workspace")
    _check_report(demo, frame.text)
    outbox = requests.get(demo.outbox_url, timeout=10)
    outbox.raise_for_status()
    if "Weekly summary" not in outbox.text:
        raise RuntimeError("the outbox page does not list the scheduled email")


CHECK_LINE = "Checked against Clockify: "


def _check_email(outbox: Path) -> None:
    """The delivered email and its PDF say what the report was checked against in Clockify."""
    from pypdf import PdfReader  # a dev tool of the demo's check, not of the add-on

    saved = sorted(outbox.glob("*.eml"), key=lambda path: path.stat().st_mtime)
    if not saved:
        raise RuntimeError("the outbox holds no email")
    message = email.message_from_bytes(saved[-1].read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # noqa: S101  # the default policy makes one
    html = message.get_body(("html",))
    if html is None or CHECK_LINE not in html.get_content():
        raise RuntimeError("the emailed report does not say what it was checked against")
    pdf = next(p for p in message.iter_attachments() if p.get_content_type() == "application/pdf")
    reader = PdfReader(io.BytesIO(pdf.get_content()))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    if CHECK_LINE not in text:
        raise RuntimeError("the emailed PDF does not say what it was checked against")


def _check_report(demo: Demo, sidebar: str) -> None:
    """Build a month's summary through the sidebar's API, as the page does, and download it;
    then build its invoice drafts and issue one, which marks its time invoiced in the sandbox."""
    found = re.search(r'<meta name="session" content="([^"]+)">', sidebar)
    if found is None:
        raise RuntimeError("the sidebar page carries no session")
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {found.group(1)}"
    end = datetime.now(UTC).date() - timedelta(days=1)
    body = {
        "kind": "summary",
        "start": (end - timedelta(days=30)).isoformat(),
        "end": end.isoformat(),
        "zone": "Europe/Berlin",
        "groups": ["PROJECT"],
    }
    job = _finished(demo, api, body)
    if job.get("state") != "done" or not job["result"]["totals"]["entries"]:
        raise RuntimeError(f"the sidebar's summary report did not build: {job.get('error')}")
    if not str((job["result"].get("check") or {}).get("text", "")).startswith(CHECK_LINE):
        raise RuntimeError("the sidebar's report does not say what it was checked against")
    pdf = api.get(f"{demo.addon_url}/api/jobs/{job['id']}/download?format=pdf", timeout=30)
    if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF"):
        raise RuntimeError("the summary PDF did not download")
    invoices = _finished(demo, api, {**body, "kind": "invoice", "groups": []})
    drafts = (invoices.get("result") or {}).get("invoices") or []
    if invoices.get("state") != "done" or not drafts:
        raise RuntimeError(f"the invoice drafts did not build: {invoices.get('error')}")
    issue = {"job": invoices["id"], "invoice": drafts[0]["key"]}
    issued = api.post(f"{demo.addon_url}/api/invoices", json=issue, timeout=30)
    marking = issued.json().get("clockify", {}) if issued.status_code == 201 else {}
    if marking.get("state") != "marked":
        raise RuntimeError(f"issuing did not mark the time invoiced: {issued.text[:300]}")
    check_einvoices(api, demo.addon_url, issued.json())


def _finished(demo: Demo, api: requests.Session, body: dict[str, Any]) -> dict[str, Any]:
    """Queue a report through the sidebar's API and poll it until it ends (at most a minute)."""
    job: dict[str, Any] = api.post(f"{demo.addon_url}/api/reports", json=body, timeout=10).json()
    deadline = time.monotonic() + 60
    while job.get("state") in {"queued", "running"} and time.monotonic() < deadline:
        time.sleep(0.2)
        job = api.get(f"{demo.addon_url}/api/jobs/{job['id']}", timeout=10).json()
    return job


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox.demo")
    parser.add_argument("--data-dir", type=Path, default=Path(".local/demo"))
    parser.add_argument("--sandbox-port", type=int, default=8090)
    parser.add_argument("--addon-port", type=int, default=8080)
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--check", action="store_true", help="start, verify the page, exit")
    args = parser.parse_args(argv)
    with run_demo(
        args.data_dir,
        sandbox_port=args.sandbox_port,
        addon_port=args.addon_port,
        smtp_port=args.smtp_port,
        scheduler=not args.check,
    ) as demo:
        if args.check:
            check(demo)
            print(f"demo check passed: {demo.open_url}")
            return 0
        print(
            "\n  Clockify sandbox : "
            + demo.sandbox_url
            + "\n  Add-on           : "
            + demo.addon_url
            + "  (manifest at /manifest)"
            + f"\n  SMTP outbox      : 127.0.0.1:{demo.smtp_port} -> {demo.outbox}/"
            + f"\n  Sent mail        : {demo.outbox_url}"
            + "\n  Sample schedule  : 'Weekly summary' is first sent at "
            + demo.first_send.astimezone().strftime("%H:%M:%S")
            + " (then daily); watch the sent mail page"
            + "\n  E-invoices       : Invoices tab: fill the seller and a client's billing"
            + "\n                     details, issue an invoice, then its E-invoice button"
            + "\n                     (test IBAN: DE89 3704 0044 0532 0130 00)"
            + "\n\n  Open this URL to see the add-on inside the Clockify-like page:\n\n    "
            + demo.open_url
            + "\n\n  Press Ctrl-C to stop.\n",
            flush=True,
        )
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        try:
            stopped.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
