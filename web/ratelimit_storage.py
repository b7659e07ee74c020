"""A `limits` storage in the app's own database: rate limits shared by every worker process.

Flask-Limiter counts through a storage of the `limits` package. Its in-memory storage lives in
each gunicorn worker, so N workers allowed N times the limit. Redis (`REDIS_URL`) is the
storage for several hosts; without Redis (the embedded `make run`: SQLite, no Redis) this
storage keeps the counters in the table `rate_limit_counters` of the app's database, which
every worker on the host (and, on PostgreSQL, every host) shares.

The URI is the database URL behind `database+`, e.g. `database+sqlite:///instance/x.db` or
`database+postgresql+psycopg://…`. A hit is one atomic statement (`INSERT … ON CONFLICT DO
UPDATE … RETURNING`, on SQLite ≥ 3.35 and PostgreSQL), so two processes counting at the same
moment can neither lose a hit nor both start a new window. Only the fixed-window strategy
(Flask-Limiter's default) is supported. Windows use the wall clock (`time.time()`), as every
`limits` storage does.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from limits.storage import Storage
from sqlalchemy import Engine, case, delete, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from booking.db import Database
from booking.models import RateLimitCounter

SCHEME_PREFIX = "database+"
# Expired counters are deleted now and then by the process that counts, not on every hit.
PURGE_EVERY_SECONDS = 300.0

_databases: dict[str, Database] = {}
_databases_lock = threading.Lock()


def storage_uri_for(database_url: str) -> str:
    """The storage URI that keeps the counters in the database at `database_url`."""
    return SCHEME_PREFIX + database_url


def _database(url: str) -> Database:
    # One engine (and pool) per database per process, however often an app is built.
    with _databases_lock:
        if url not in _databases:
            if url.startswith("sqlite"):
                _databases[url] = Database(url)
                event.listen(_databases[url].engine, "connect", _sqlite_counters_need_no_fsync)
            else:
                _databases[url] = Database(url, pool_size=2, max_overflow=4)
        return _databases[url]


def _sqlite_counters_need_no_fsync(dbapi_connection: Any, _record: Any) -> None:
    # WAL with synchronous=NORMAL stays consistent; a power cut may forget the last hits,
    # which for a rate-limit counter is harmless, and every hit no longer waits for an fsync.
    # Only this engine's connections are affected; the app's own keep full durability.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class DatabaseStorage(Storage):
    """Fixed-window counters in `rate_limit_counters` (see the module docstring)."""

    STORAGE_SCHEME = [
        "database+sqlite",
        "database+postgresql",
        "database+postgresql+psycopg",
        "database+postgresql+psycopg2",
    ]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not uri.startswith(SCHEME_PREFIX):
            raise ValueError(f"not a database storage URI: {uri!r}")
        self.database_url = uri[len(SCHEME_PREFIX) :]
        self._database: Database | None = None
        self._purged_at = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @property
    def engine(self) -> Engine:
        if self._database is None:  # built on first use: building an app touches no database
            self._database = _database(self.database_url)
        return self._database.engine

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count `amount` hits on `key`; a window that has run out starts again at `amount`."""
        now = time.time()
        table: Any = RateLimitCounter.__table__
        insert: Any = (
            postgresql.insert(table)
            if self.engine.dialect.name == "postgresql"
            else sqlite.insert(table)
        )
        stmt = insert.values(key=key, hits=amount, expires_at=now + expiry)
        expired = table.c.expires_at <= now
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "hits": case((expired, amount), else_=table.c.hits + amount),
                "expires_at": case((expired, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.hits)
        with self.engine.begin() as connection:
            hits = int(connection.execute(stmt).scalar_one())
        self._purge_now_and_then(now)
        return hits

    def get(self, key: str) -> int:
        row = self._row(key)
        return int(row.hits) if row is not None and row.expires_at > time.time() else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = self._row(key)
        return float(row.expires_at) if row is not None and row.expires_at > now else now

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return int(connection.execute(delete(RateLimitCounter)).rowcount)

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))

    def dispose(self) -> None:
        """Close this process's connections to the database (tests; a worker keeps them)."""
        with _databases_lock:
            database = _databases.pop(self.database_url, None)
        if database is not None:
            database.dispose()
        self._database = None

    def _row(self, key: str) -> Any:
        table = RateLimitCounter.__table__
        with self.engine.connect() as connection:
            return connection.execute(
                select(table.c.hits, table.c.expires_at).where(table.c.key == key)
            ).first()

    def _purge_now_and_then(self, now: float) -> None:
        if now - self._purged_at < PURGE_EVERY_SECONDS:
            return
        self._purged_at = now
        with self.engine.begin() as connection:
            connection.execute(delete(RateLimitCounter).where(RateLimitCounter.expires_at <= now))
