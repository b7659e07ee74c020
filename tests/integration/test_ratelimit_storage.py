"""The rate limiter's storage in the app's database (web/ratelimit_storage.py), on both backends.

It is a `limits` storage: Flask-Limiter's fixed-window strategy counts through it exactly as it
counts through Redis. Threads stand for worker processes, each with its own connection.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from tests.support.ports import free_port
from web import ratelimit_storage
from web.ratelimit_storage import DatabaseStorage, storage_uri_for


@pytest.fixture
def storage(database_url: str) -> Iterator[DatabaseStorage]:
    found = storage_from_string(storage_uri_for(database_url))
    assert isinstance(found, DatabaseStorage)
    yield found
    found.dispose()


class FakeTime:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    clock = FakeTime()
    monkeypatch.setattr(ratelimit_storage.time, "time", clock)
    return clock


def test_hits_are_counted_per_key_until_the_window_ends(
    storage: DatabaseStorage, fake_time: FakeTime
) -> None:
    assert [storage.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("b", 60, amount=2) == 2
    assert storage.get("a") == 3
    assert storage.get_expiry("a") == fake_time.now + 60
    fake_time.now += 30
    assert storage.incr("a", 60) == 4
    assert storage.get_expiry("a") == fake_time.now - 30 + 60  # the window does not slide
    fake_time.now += 30
    assert storage.get("a") == 0  # the window has ended
    assert storage.get_expiry("a") == fake_time.now
    assert storage.incr("a", 60) == 1  # a new window
    assert storage.get_expiry("a") == fake_time.now + 60
    assert storage.get("unknown") == 0


def test_clear_reset_and_check(storage: DatabaseStorage) -> None:
    storage.incr("a", 60)
    storage.incr("b", 60)
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 1
    assert storage.reset() == 1
    assert storage.get("b") == 0
    assert storage.check() is True


def test_expired_counters_are_purged_now_and_then(
    storage: DatabaseStorage, fake_time: FakeTime
) -> None:
    storage.incr("old", 1)
    fake_time.now += ratelimit_storage.PURGE_EVERY_SECONDS + 1
    storage.incr("new", 60)
    storage.clear("new")
    assert storage.reset() == 0  # "old" went with the purge, "new" was cleared


def test_hits_from_many_connections_at_once_are_each_counted(storage: DatabaseStorage) -> None:
    parallel = 16
    barrier = threading.Barrier(parallel)

    def hit(_: int) -> int:
        barrier.wait(timeout=30)
        return storage.incr("shared", 60)

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        counts = sorted(pool.map(hit, range(parallel)))
    assert counts == list(range(1, parallel + 1))
    assert storage.get("shared") == parallel


def test_the_fixed_window_strategy_of_limits_runs_on_it(storage: DatabaseStorage) -> None:
    limiter = FixedWindowRateLimiter(storage)
    three = RateLimitItemPerMinute(3)
    assert [limiter.hit(three, "client") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(three, "another client")
    stats = limiter.get_window_stats(three, "client")
    assert stats.remaining == 0


def test_an_unreachable_database_is_a_storage_error_and_fails_the_check() -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing?connect_timeout=2"
    storage = storage_from_string(storage_uri_for(url), wrap_exceptions=True)
    assert storage.check() is False
    with pytest.raises(StorageError):
        storage.incr("a", 60)
    storage.dispose()


def test_a_uri_that_is_not_a_database_is_refused() -> None:
    with pytest.raises(ValueError):
        DatabaseStorage("memory://")
