"""SerialRedisLockStore (run in .venv-bot) against a real redis-server, from several processes.

Each process is a Rasa server in miniature: its own lock store and Redis connection, taking the
lock of one conversation for a "turn" that reads a shared counter, waits a little and writes it
back. Without mutual exclusion across processes turns overlap and increments are lost, which is
what Rasa's own RedisLockStore allows (its ticket is issued by read-modify-write).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from urllib.parse import urlsplit

import pytest
import redis

from bot.stores.lock_store import SerialRedisLockStore
from tests.support.redis import running_redis

PROCESSES, TURNS = 4, 6
CONVERSATION = "citizen-42"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> str:
    with running_redis(tmp_path_factory.mktemp("redis")) as url:
        if url is None:
            pytest.fail("redis-server is needed for this test (Debian package redis-server)")
        yield url


def store_for(url: str) -> SerialRedisLockStore:
    parts = urlsplit(url)
    return SerialRedisLockStore(
        host=parts.hostname, port=parts.port, db=int(parts.path.strip("/")), key_prefix="test"
    )


def take_turns(url: str, start: float) -> None:
    store = store_for(url)
    red = redis.Redis.from_url(url)

    async def turns() -> None:
        for _ in range(TURNS):
            async with store.lock(CONVERSATION, lock_lifetime=60, wait_time_in_seconds=0.01):
                red.rpush("turns", "begin")
                count = int(red.get("counter") or 0)
                await asyncio.sleep(0.01)  # the turn: NLU, actions, saving the tracker
                red.set("counter", count + 1)
                red.rpush("turns", "end")

    time.sleep(max(0.0, start - time.time()))  # all processes start at the same moment
    asyncio.run(turns())


def run_processes(url: str) -> None:
    context = multiprocessing.get_context("fork")
    start = time.time() + 0.5
    processes = [context.Process(target=take_turns, args=(url, start)) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    try:
        for process in processes:
            process.join(timeout=120)
            assert process.exitcode == 0, "a process did not finish its turns"
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()


def test_turns_of_one_conversation_in_several_processes_never_overlap(redis_url):
    red = redis.Redis.from_url(redis_url)
    red.flushdb()
    run_processes(redis_url)
    turns = [item.decode() for item in red.lrange("turns", 0, -1)]
    assert turns == ["begin", "end"] * (PROCESSES * TURNS)  # one turn at a time
    assert int(red.get("counter")) == PROCESSES * TURNS  # no turn lost
    assert store_for(redis_url).get_lock(CONVERSATION) is None  # the last turn cleaned up


def test_a_lock_of_another_conversation_is_not_held_up(redis_url):
    store = store_for(redis_url)

    async def both() -> list[str]:
        order: list[str] = []
        async with (
            store.lock("first", lock_lifetime=60),
            store.lock("second", lock_lifetime=60, wait_time_in_seconds=0.01),
        ):
            order.append("second inside first")
        return order

    assert asyncio.run(both()) == ["second inside first"]


def test_a_ticket_that_outlived_its_holder_expires(redis_url):
    """A Rasa process that died mid-turn blocks its conversation only until the ticket expires."""
    store = store_for(redis_url)
    store.issue_ticket("crashed", lock_lifetime=0.3)  # never cleaned up

    async def next_turn() -> bool:
        async with store.lock("crashed", lock_lifetime=60, wait_time_in_seconds=0.05):
            return True

    assert asyncio.run(next_turn())
