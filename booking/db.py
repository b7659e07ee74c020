"""Engine and transaction handling, the one place that knows SQLite from PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 15_000
# PostgreSQL advisory locks of a transaction, built once (a statement keeps its cache key).
_XACT_LOCK = text("SELECT pg_advisory_xact_lock(:cls, :id)")
_TRY_XACT_LOCK = text("SELECT pg_try_advisory_xact_lock(:cls, :id)")


class Database:
    """Owns the engine and hands out transactions.

    On SQLite a write transaction that must re-check before inserting (booking) starts with
    `BEGIN IMMEDIATE`, which takes the write lock up front, so two writers serialise instead of
    both reading "free" and both inserting.
    """

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, **_engine_defaults(url), **engine_kwargs)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.is_postgresql = self.engine.dialect.name == "postgresql"
        if self.is_sqlite:
            _install_sqlite_hooks(self.engine)
        self._writers = (
            _WriterQueue(f"{self.engine.url.database}-writers")
            if self.is_sqlite and self.engine.url.database not in (None, "", ":memory:")
            else None
        )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._immediate_sessions = sessionmaker(
            self.engine.execution_options(sqlite_begin="BEGIN IMMEDIATE"),
            expire_on_commit=False,
        )

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self, *, immediate: bool = False) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        factory = self._immediate_sessions if immediate else self._sessions
        queue = self._writers.turn() if immediate and self._writers else nullcontext()
        with queue, factory() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self._writers is not None:
            self._writers.close()


def advisory_xact_lock(session: Session, lock_class: int, lock_id: int) -> None:
    """PostgreSQL: wait for the advisory lock (`lock_class`, `lock_id`) and hold it until the
    transaction ends, or until the savepoint it was taken in is rolled back."""
    session.execute(_XACT_LOCK, {"cls": lock_class, "id": lock_id})


def try_advisory_xact_lock(session: Session, lock_class: int, lock_id: int) -> bool:
    """PostgreSQL: take the advisory lock like `advisory_xact_lock` if nobody holds it; never
    waits. False when another transaction holds it."""
    return bool(session.scalar(_TRY_XACT_LOCK, {"cls": lock_class, "id": lock_id}))


class _WriterQueue:
    """SQLite: immediate transactions of all processes on one database file take turns on a
    blocking file lock before `BEGIN IMMEDIATE`.

    SQLite's busy handler lets a writer that finds the database locked sleep and poll (1, 2, 5,
    10 ... 100 ms), so the write lock often sits free while writers sleep, and an unlucky writer
    waits far longer than its turn; a blocked `flock` wakes the next writer as soon as the lock
    is let go. Other transactions keep to the busy handler, and nobody waits for this lock while
    holding SQLite's, so it adds no deadlock.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        # flock belongs to an open file: threads of one process queue on this lock first
        self._threads = threading.RLock()
        self._depth = threading.local()
        self._fd: int | None = None
        self._pid = 0

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._threads:
            depth = getattr(self._depth, "value", 0)
            if depth == 0:
                fcntl.flock(self._descriptor(), fcntl.LOCK_EX)
            self._depth.value = depth + 1
            try:
                yield
            finally:
                self._depth.value = depth
                if depth == 0:
                    fcntl.flock(self._descriptor(), fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None

    def _descriptor(self) -> int:
        # opened in each process: a descriptor inherited over fork() would share one lock
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd


def _engine_defaults(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    return {"pool_pre_ping": True}


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))
