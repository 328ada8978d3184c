"""The composition root: `Runtime.from_settings` builds the long-lived objects a process shares.

Every process builds exactly one, the same way: the web app (`create_app`), the scheduler
(`python -m addon scheduler`, which builds no Flask app), the CLI and the demo. It holds the
database engine and sessions, the token cipher, the Clockify token verifier, the shared rate
limiter, the clock, and the report-job runner. Use cases (`addon.services`) take it as their
first argument; nothing reaches for a global. The clock is injectable, so token expiry, due
dates and event ordering are testable without sleeping; every "now" comes from `Runtime.now`.

This module is the only one allowed to import every stage (see tests/unit/test_architecture.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from addon.settings import Settings
from addon.store.crypto import TokenCipher
from addon.store.db import create_db_engine, make_session_factory
from addon.store.permits import RateLimiter
from addon.verify.tokens import TokenVerifier

if TYPE_CHECKING:
    from addon.jobs.runner import JobRunner

__all__ = ["Runtime"]


@dataclass(slots=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Any]
    cipher: TokenCipher = field(repr=False)
    verifier: TokenVerifier
    limiter: RateLimiter
    clock: Callable[[], float] = time.time
    _jobs: JobRunner | None = field(default=None, repr=False)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, clock: Callable[[], float] = time.time
    ) -> Runtime:
        """Build everything a process needs from `settings`; nothing starts running yet.

        Without encryption keys (development only; production settings refuse to load without
        them) tokens are sealed under a key that dies with the process.
        """
        engine = create_db_engine(settings.database_url)
        cipher = (
            TokenCipher(settings.encryption_keys)
            if settings.encryption_keys
            else TokenCipher.ephemeral()
        )
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_session_factory(engine),
            cipher=cipher,
            verifier=TokenVerifier(
                settings.clockify_public_keys, settings.addon_key, settings.token_leeway_seconds
            ),
            limiter=RateLimiter(engine, settings.clockify_rate, settings.clockify_burst),
            clock=clock,
        )

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    @property
    def jobs(self) -> JobRunner:
        """This process's report-job runner, made on first use (a scheduler never makes one)."""
        if self._jobs is None:
            from addon.jobs.runner import JobRunner

            self._jobs = JobRunner(self, self.settings.report_workers)
        return self._jobs

    def wake_jobs(self) -> None:
        """A job was queued or is waiting: this process looks for it now, if it runs jobs.

        A web process runs them unless `web_jobs` is off (then worker processes find the job
        within their poll); a worker process's runner is always on.
        """
        if self.settings.web_jobs or self._jobs is not None:
            self.jobs.wake()

    def close(self, *, grace: float = 0.0) -> None:
        """Stop the job runner (running jobs get `grace` seconds, then go back to the queue)
        and release the database."""
        if self._jobs is not None:
            self._jobs.shutdown(grace=grace)
        self.engine.dispose()
