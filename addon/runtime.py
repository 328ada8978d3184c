"""The long-lived objects one app instance shares, built once by `create_app`.

Views reach them through `runtime()`; tests can read them the same way. The clock is injectable
so token expiry and event ordering are testable without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from addon.settings import Settings
from addon.store.crypto import TokenCipher
from addon.store.permits import RateLimiter
from addon.verify.tokens import TokenVerifier

__all__ = ["Runtime", "runtime"]


@dataclass(slots=True)
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Any]
    cipher: TokenCipher = field(repr=False)
    verifier: TokenVerifier
    limiter: RateLimiter
    clock: Callable[[], float] = time.time

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)


def runtime() -> Runtime:
    value = current_app.extensions["addon"]
    assert isinstance(value, Runtime)  # noqa: S101  # set by create_app; narrows the type
    return value
