"""How a run's email leaves: the SMTP sender `tick` needs, its retries, and the Message-ID.

The Message-ID is derived from the claim (`<run id.schedule id.due@domain>`), so every retry
and every takeover of a run sends the same one and receivers can de-duplicate by it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from addon.store.models import DeliveryRun

__all__ = ["MailRetry", "Sender", "message_id_for"]


class Sender(Protocol):
    """What `tick` needs of `addon.mail.smtp.SmtpSender` (tests pass the real one)."""

    def send(self, message: EmailMessage, *, envelope_from: str, recipients: Sequence[str]) -> None:
        """Hand `message` to the SMTP server; raises Transient- or PermanentMailError."""


@dataclass(frozen=True, slots=True)
class MailRetry:
    """Retries of a transient SMTP failure (4xx, dropped connection) within one claim.

    Delays double from `base_seconds` up to `cap_seconds`; their sum stays under half the lease,
    so the claim cannot expire while we wait (which would let another process send too).
    """

    tries: int = 4
    base_seconds: float = 2.0
    cap_seconds: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delays(self, lease_seconds: float) -> Iterator[float]:
        budget = lease_seconds / 2
        delay = self.base_seconds
        for _ in range(self.tries - 1):
            delay = min(delay, self.cap_seconds, budget)
            if delay <= 0:
                return
            yield delay
            budget -= delay
            delay *= 2


def message_id_for(run: DeliveryRun, domain: str) -> str:
    """The run's Message-ID: derived from the claim, so stable across retries and takeovers."""
    return f"<{run.id}.{run.schedule_id}.{run.due.isoformat()}@{domain}>"
