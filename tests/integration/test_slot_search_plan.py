"""Slot search reads bookings and absences through the (caseworker_id, end_at) indexes, on
SQLite (`EXPLAIN QUERY PLAN`) and PostgreSQL (`EXPLAIN`, after ANALYZE of a year of history).

The plans are those of the statements the search really sends, captured as they are executed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select

from booking.db import Database
from booking.demo import seed_demo
from booking.models import Absence, Booking, Caseworker, Service
from booking.slots import search_slots

MONDAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    with database.transaction() as session:
        seed_demo(session)
        add_history(session)
    if database.is_postgresql:
        with database.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    yield database
    database.dispose()


def add_history(session: Any) -> None:
    """A year of past meetings and absences per caseworker: what a window must not scan."""
    service_id = session.scalar(select(Service.id).where(Service.code == "jobcenter"))
    workers = list(session.scalars(select(Caseworker.id)))
    first = datetime(2025, 11, 24, 8, 0, tzinfo=UTC)
    bookings, absences = [], []
    for worker in workers:
        for day in range(0, 365, 1):
            start = first + timedelta(days=day)
            absences.append({"caseworker_id": worker, "start_at": start, "end_at": start})
            for hour in range(0, 6):
                at = start + timedelta(hours=hour)
                bookings.append(
                    {
                        "reference": secrets.token_hex(6),
                        "service_id": service_id,
                        "caseworker_id": worker,
                        "start_at": at,
                        "end_at": at + timedelta(minutes=30),
                        "manage_token_hash": secrets.token_hex(32),
                    }
                )
    for row in absences:
        row["end_at"] = row["start_at"] + timedelta(hours=8)
    session.execute(insert(Booking), bookings)
    session.execute(insert(Absence), absences)


def search_statements(database: Database) -> list[tuple[str, Any]]:
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        with database.session() as session:
            assert search_slots(session, "jobcenter", MONDAY, MONDAY + timedelta(days=27), now=NOW)
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    return sent


def plan(database: Database, table: str) -> str:
    (statement, parameters), *others = [
        (s, p) for s, p in search_statements(database) if f"FROM {table}" in s
    ]
    assert not others
    explain = "EXPLAIN QUERY PLAN " if database.is_sqlite else "EXPLAIN "
    with database.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(explain + statement, parameters)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def test_the_bookings_of_the_window_are_read_through_the_caseworker_end_index(
    database: Database,
) -> None:
    found = plan(database, "bookings")
    assert "ix_bookings_caseworker_end" in found, found
    if database.is_sqlite:
        assert "COVERING INDEX ix_bookings_caseworker_end" in found, found
    else:
        assert "Seq Scan" not in found, found


def test_the_absences_of_the_window_are_read_through_the_caseworker_end_index(
    database: Database,
) -> None:
    found = plan(database, "absences")
    assert "ix_absences_caseworker_end" in found, found
    assert "Seq Scan" not in found, found
