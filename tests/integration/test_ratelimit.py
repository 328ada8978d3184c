"""The shared limiter: at most 50 permits in any second per workspace, across threads and
processes, on SQLite and PostgreSQL; workspaces never wait for each other."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest

from addon.store.db import create_db_engine
from addon.store.permits import LimiterTimeout, RateLimiter
from sandbox.recorder import busiest_window_of


def test_first_burst_is_free_then_permits_are_spaced_by_the_interval(db_url: str) -> None:
    engine = create_db_engine(db_url)
    limiter = RateLimiter(engine, rate=10, burst=2, clock=lambda: 1000.0)

    started = time.monotonic()
    waits = [limiter.reserve("ws-a") for _ in range(6)]
    elapsed = time.monotonic() - started

    engine.dispose()
    expected = [0.0, 0.0, 0.0, 0.1, 0.2, 0.3]
    if engine.dialect.name == "sqlite":  # a frozen clock makes the schedule exact
        assert waits == pytest.approx(expected)
    else:  # PostgreSQL's own clock runs on while we reserve: a wait shrinks by at most that
        for wait, want in zip(waits, expected, strict=True):
            assert max(0.0, want - elapsed) - 0.005 <= wait <= want + 0.005, (waits, elapsed)


def test_threads_sharing_a_workspace_never_exceed_the_window(db_url: str) -> None:
    engine = create_db_engine(db_url)
    limiter = RateLimiter(engine)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(20):
            limiter.acquire("ws-busy")
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    engine.dispose()

    assert len(stamps) == 160
    assert busiest_window_of(stamps) <= 50
    assert 160 / elapsed >= 35  # most of the budget; the measured figures are in bench/fetch.py


def _process_worker(url: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    engine = create_db_engine(url)
    limiter = RateLimiter(engine)
    stamps = []
    for _ in range(count):
        limiter.acquire("ws-shared")
        stamps.append(time.time())
    engine.dispose()
    queue.put(stamps)


def test_processes_sharing_a_workspace_never_exceed_the_window(db_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [
        context.Process(target=_process_worker, args=(db_url, 30, queue)) for _ in range(4)
    ]
    for process in processes:
        process.start()
    stamps = [stamp for _ in processes for stamp in queue.get(timeout=60)]
    for process in processes:
        process.join(timeout=30)

    assert len(stamps) == 120
    assert busiest_window_of(stamps) <= 50


def test_one_workspace_saturated_does_not_delay_another(db_url: str) -> None:
    engine = create_db_engine(db_url)
    limiter = RateLimiter(engine, rate=5, burst=0)
    for _ in range(20):
        limiter.reserve("ws-big")  # ws-big is now booked ~4 s ahead

    wait_other = limiter.reserve("ws-small")
    wait_big = limiter.reserve("ws-big")
    engine.dispose()

    assert wait_other == pytest.approx(0.0, abs=0.01)
    assert wait_big > 3.5


def test_a_permit_beyond_max_wait_raises(db_url: str) -> None:
    engine = create_db_engine(db_url)
    limiter = RateLimiter(engine, rate=1, burst=0, sleep=lambda _s: None)
    limiter.acquire("ws-slow")

    with pytest.raises(LimiterTimeout):
        limiter.acquire("ws-slow", max_wait=0.5)
    engine.dispose()
