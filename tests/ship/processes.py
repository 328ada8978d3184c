"""`Processes`: the shipped processes of one test, each with its output in a file.

Every process's stdout and stderr are kept (`tmp_path/<name>.out` and `.err`) and printed when
the test fails, so a failure in gunicorn or the scheduler reads like one. `stop_all` sends
SIGTERM, as an orchestrator does on a rollout, and waits a bounded time; whatever still runs
when the test ends is killed, so no process outlives it.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Exit", "Processes"]


@dataclass(frozen=True)
class Exit:
    name: str
    code: int | None
    seconds: float


@dataclass
class Processes:
    logs: Path
    cwd: Path
    env: Mapping[str, str]
    running: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    finished: dict[str, int] = field(default_factory=dict)

    def run(self, name: str, argv: Sequence[str], *, timeout: float, **env: str) -> int:
        """Run a one-shot command (`migrate`) to its end; returns its exit code."""
        process = self.start(name, argv, **env)
        try:
            code = process.wait(timeout=timeout)
        finally:
            self.running.pop(name, None)
        self.finished[name] = code
        return code

    def start(self, name: str, argv: Sequence[str], **env: str) -> subprocess.Popen[bytes]:
        """Start `argv` (its program found on the shipped `PATH`) with the shared environment."""
        with (
            open(self.logs / f"{name}.out", "wb") as out,
            open(self.logs / f"{name}.err", "wb") as err,
        ):
            process = subprocess.Popen(  # noqa: S603  # argv is the image's, from tests/ship/image.py
                list(argv),
                cwd=self.cwd,
                env={**self.env, **env},
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
            )
        self.running[name] = process
        return process

    def check_alive(self) -> None:
        """Fail naming the first process that has already exited."""
        for name, process in self.running.items():
            code = process.poll()
            if code is not None:
                raise AssertionError(f"{name} exited early with {code}:\n{self.output(name)}")

    def stop_all(self, *, timeout: float) -> list[Exit]:
        """SIGTERM every running process at once, then wait up to `timeout` seconds in all."""
        started = time.monotonic()
        for process in self.running.values():
            process.send_signal(signal.SIGTERM)
        exits = []
        for name, process in list(self.running.items()):
            left = max(0.1, timeout - (time.monotonic() - started))
            try:
                code: int | None = process.wait(timeout=left)
            except subprocess.TimeoutExpired:
                code = None
            exits.append(Exit(name, code, round(time.monotonic() - started, 2)))
            if code is not None:
                self.finished[name] = code
                del self.running[name]
        return exits

    def kill_all(self) -> None:
        for process in self.running.values():
            process.kill()
            process.wait(timeout=10)
        self.running.clear()

    def output(self, name: str) -> str:
        parts = []
        for stream in ("out", "err"):
            path = self.logs / f"{name}.{stream}"
            text = path.read_text(errors="replace") if path.exists() else ""
            parts.append(f"----- {name} std{stream} -----\n{text}")
        return "\n".join(parts)

    def report(self) -> str:
        names = sorted({p.name.rsplit(".", 1)[0] for p in self.logs.glob("*.out")})
        return "\n".join(self.output(name) for name in names)

    def problems(self, name: str) -> list[str]:
        """Lines of `name`'s output that a clean run never prints: tracebacks, and records at
        ERROR or above (JSON lines carry `level`; gunicorn's own lines say `[ERROR]`), or
        gunicorn's own warnings (a socket it could not create, a worker that timed out)."""
        found = []
        for stream in ("out", "err"):
            path = self.logs / f"{name}.{stream}"
            text = path.read_text(errors="replace") if path.exists() else ""
            for line in text.splitlines():
                if "Traceback" in line or re.search(r"\] \[(WARNING|ERROR|CRITICAL)\] ", line):
                    found.append(line)
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and record.get("level") in {"ERROR", "CRITICAL"}:
                    found.append(line)
        return found
