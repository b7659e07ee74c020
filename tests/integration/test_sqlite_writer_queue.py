"""SQLite writers take turns on a file lock instead of SQLite's sleeping busy handler.

Two `Database` objects on one file stand for two gunicorn workers: each opens the lock file
itself, exactly as two processes do (an flock belongs to an open file).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from booking.db import Database


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    first, second = Database(url), Database(url)
    with first.transaction() as session:
        session.execute(text("CREATE TABLE entries (who TEXT, at REAL)"))
    yield first, second
    first.dispose()
    second.dispose()


def write(db: Database, who: str, hold: float = 0.0) -> None:
    with db.transaction(immediate=True) as session:
        session.execute(text("INSERT INTO entries VALUES (:who, :at)"), {"who": who, "at": 0})
        time.sleep(hold)


def test_an_immediate_transaction_waits_for_its_turn_on_the_lock_file(
    databases: tuple[Database, Database], tmp_path: Path
) -> None:
    first, _ = databases
    fd = os.open(tmp_path / "queue.db-writers", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another process is writing
    writer = threading.Thread(target=write, args=(first, "waiting"))
    writer.start()
    writer.join(0.5)
    assert writer.is_alive()  # queued on the file, not inside SQLite's write lock
    with first.transaction() as session:  # readers are not held up by the queue
        assert session.scalar(text("SELECT count(*) FROM entries")) == 0
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    writer.join(10)
    assert not writer.is_alive()
    with first.transaction() as session:
        assert session.scalars(text("SELECT who FROM entries")).all() == ["waiting"]


def test_writers_of_two_workers_all_commit_one_at_a_time(
    databases: tuple[Database, Database],
) -> None:
    threads = [
        threading.Thread(target=write, args=(db, f"{name}{i}", 0.01))
        for i in range(10)
        for name, db in (("a", databases[0]), ("b", databases[1]))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with databases[0].transaction() as session:
        assert session.scalar(text("SELECT count(*) FROM entries")) == 20


def test_a_writer_that_fails_gives_up_its_turn(databases: tuple[Database, Database]) -> None:
    first, second = databases
    with pytest.raises(RuntimeError), first.transaction(immediate=True) as session:
        session.execute(text("INSERT INTO entries VALUES ('lost', 0)"))
        raise RuntimeError("the booking failed half-way")
    writer = threading.Thread(target=write, args=(second, "next"))
    writer.start()
    writer.join(10)
    assert not writer.is_alive()
    with first.transaction() as session:
        assert session.scalars(text("SELECT who FROM entries")).all() == ["next"]
