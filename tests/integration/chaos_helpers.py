"""Real parts for the scheduler chaos test: an SMTP server that refuses, then records, and
`python -m addon scheduler` child processes that the test can SIGKILL.

Nothing here mocks the add-on: the children are the production entry point, configured only
through `ADDON_*` variables, and the SMTP server is aiosmtpd on a loopback port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parents[2]
TRY_AGAIN = "451 4.3.0 Try again later (chaos test)"


@dataclass(frozen=True, slots=True)
class Accepted:
    """One message the server took: its Message-ID, envelope recipients, `time.monotonic()`."""

    message_id: str
    recipients: tuple[str, ...]
    at: float


class FlakyOutbox:
    """aiosmtpd handler: answers 451 to the first `refuse_first` DATA commands, then accepts.

    `on_accept(accepted, count)` runs after a message is recorded and *before* the 250 reply
    leaves: a process killed there has had its message accepted by the server but never hears
    so, which is the one window no exactly-once design closes.
    """

    def __init__(
        self, refuse_first: int, on_accept: Callable[[Accepted, int], None] | None = None
    ) -> None:
        self.refuse_first = refuse_first
        self.on_accept = on_accept
        self.refused = 0
        self._accepted: list[Accepted] = []
        self._lock = threading.Lock()
        self._headers = BytesHeaderParser(policy=default_policy)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            if self.refused < self.refuse_first:
                self.refused += 1
                return TRY_AGAIN
            headers = self._headers.parsebytes(envelope.content)
            accepted = Accepted(
                str(headers["Message-ID"]), tuple(envelope.rcpt_tos), time.monotonic()
            )
            self._accepted.append(accepted)
            count = len(self._accepted)
        if self.on_accept is not None:
            self.on_accept(accepted, count)
        return "250 OK"

    def accepted(self) -> list[Accepted]:
        with self._lock:
            return list(self._accepted)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(handler: FlakyOutbox) -> Iterator[int]:
    """Serve `handler` on a free loopback port; yields the port."""
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


class SchedulerProcess:
    """One `python -m addon scheduler` child; its stdout and stderr go to `log`."""

    def __init__(self, name: str, environ: Mapping[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        env = {k: v for k, v in os.environ.items() if not k.startswith("ADDON_")}
        env.update(environ)
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # our own interpreter and module
                [sys.executable, "-m", "addon", "scheduler"],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no handler runs, no transaction commits, no goodbye to any server."""
        os.kill(self.pid, signal.SIGKILL)

    def stop(self) -> None:
        """SIGTERM (the scheduler's clean stop), then SIGKILL after 5 s; reaps the child."""
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process.wait(timeout=5)

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text("utf-8", "replace") if self.log.exists() else ""
        return f"--- {self.name} (pid {self.pid}) ---\n" + "\n".join(text.splitlines()[-lines:])
