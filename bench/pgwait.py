"""Sample PostgreSQL sessions waiting on locks during a load phase, to explain its figures."""

from __future__ import annotations

import threading
from collections import Counter

import psycopg


class LockWaitSampler:
    """`with LockWaitSampler(url) as s:` samples pg_stat_activity every 0.2 s in a thread."""

    def __init__(self, sqlalchemy_url: str, *, interval: float = 0.2) -> None:
        self.dsn = sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://")
        self.dbname = self.dsn.rsplit("/", 1)[1]
        self.interval = interval
        self.samples = 0
        self.waiting: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LockWaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self._stop.wait(self.interval):
                rows = conn.execute(
                    "SELECT wait_event, count(*) FROM pg_stat_activity "
                    "WHERE datname = %s AND wait_event_type = 'Lock' GROUP BY wait_event",
                    (self.dbname,),
                ).fetchall()
                self.samples += 1
                for event, count in rows:
                    self.waiting[str(event)] += int(count)

    def summary(self) -> str:
        if not self.samples:
            return "no lock samples"
        parts = ", ".join(
            f"{event} {count / self.samples:.1f}" for event, count in self.waiting.most_common()
        )
        return f"sessions waiting on locks, average: {parts or 'none'}"
