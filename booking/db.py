"""Engine and transaction handling, the one place that knows SQLite from PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
        with factory() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def advisory_xact_lock(session: Session, lock_class: int, lock_id: int) -> None:
    """PostgreSQL: wait for the advisory lock (`lock_class`, `lock_id`) and hold it until the
    transaction ends, or until the savepoint it was taken in is rolled back."""
    session.execute(_XACT_LOCK, {"cls": lock_class, "id": lock_id})


def try_advisory_xact_lock(session: Session, lock_class: int, lock_id: int) -> bool:
    """PostgreSQL: take the advisory lock like `advisory_xact_lock` if nobody holds it; never
    waits. False when another transaction holds it."""
    return bool(session.scalar(_TRY_XACT_LOCK, {"cls": lock_class, "id": lock_id}))


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
