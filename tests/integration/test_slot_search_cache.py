"""Slot search keeps services and weekly hours in memory, per app; every change is seen at once.

Two `Database` objects on the same database stand for two gunicorn workers: each has its own
engine, so its own cache, and only the `schedule_versions` counter tells one about the other's
changes. Demo data: `jobcenter` (30 min, 30 min step) is served by Mette, Lars and Aisha,
Monday-Thursday 8:30-12 and 12:30-15:30, 13 slots on a free Monday.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from booking.db import Database
from booking.demo import seed_demo
from booking.errors import NotFound
from booking.models import Booking, Caseworker, ScheduleVersion, Service
from booking.settings.services import update_service
from booking.slots import COPENHAGEN, search_slots, set_weekly_hours

MONDAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ALL_DAY_JOBCENTER = 13


@pytest.fixture
def workers(database_url: str) -> Iterator[tuple[Database, Database]]:
    """Two app processes' databases on one seeded database."""
    first, second = Database(database_url), Database(database_url)
    with first.transaction() as session:
        seed_demo(session)
    yield first, second
    first.dispose()
    second.dispose()


def monday_slots(database: Database) -> list[str]:
    with database.session() as session:
        slots = search_slots(session, "jobcenter", MONDAY, MONDAY, now=NOW)
    return [f"{s.start.astimezone(COPENHAGEN):%H:%M}" for s in slots]


def jobcenter_workers(session: Any) -> list[Caseworker]:
    service = session.scalars(select(Service).where(Service.code == "jobcenter")).one()
    return sorted(service.caseworkers, key=lambda c: c.id)


def only_monday_morning(database: Database) -> None:
    with database.transaction() as session:
        for worker in jobcenter_workers(session):
            set_weekly_hours(worker, {0: [(time(9, 0), time(10, 0))]})


def version(database: Database) -> int | None:
    with database.session() as session:
        return session.scalar(select(ScheduleVersion.version))


def test_a_changed_weekly_pattern_is_seen_by_the_next_search_in_the_same_process(
    workers: tuple[Database, Database],
) -> None:
    first, _ = workers
    assert len(monday_slots(first)) == ALL_DAY_JOBCENTER
    only_monday_morning(first)
    assert monday_slots(first) == ["09:00", "09:30"]


def test_a_changed_weekly_pattern_is_seen_at_once_by_another_process(
    workers: tuple[Database, Database],
) -> None:
    first, second = workers
    assert len(monday_slots(first)) == ALL_DAY_JOBCENTER
    only_monday_morning(second)
    assert monday_slots(first) == ["09:00", "09:30"]


def test_a_service_changed_in_the_admin_settings_is_seen_at_once_by_another_process(
    workers: tuple[Database, Database],
) -> None:
    first, second = workers
    assert len(monday_slots(first)) == ALL_DAY_JOBCENTER
    with second.transaction() as session:
        update_service(
            session,
            "jobcenter",
            {"duration_minutes": 60, "slot_step_minutes": 60},
            user_id=None,
            now=NOW,
        )
    assert monday_slots(first) == ["08:30", "09:30", "10:30", "12:30", "13:30", "14:30"]

    with second.transaction() as session:
        update_service(session, "jobcenter", {"active": False}, user_id=None, now=NOW)
    with pytest.raises(NotFound):
        monday_slots(first)


def test_a_caseworker_leaving_the_service_or_made_inactive_is_seen_at_once_by_another_process(
    workers: tuple[Database, Database],
) -> None:
    first, second = workers
    with second.transaction() as session:
        mette, lars, aisha = jobcenter_workers(session)
        set_weekly_hours(lars, {})
        set_weekly_hours(aisha, {})
    assert len(monday_slots(first)) == ALL_DAY_JOBCENTER  # Mette alone still works all day

    with second.transaction() as session:
        mette = jobcenter_workers(session)[0]
        mette.services = [s for s in mette.services if s.code != "jobcenter"]
    assert monday_slots(first) == []

    with second.transaction() as session:
        mette = session.get(Caseworker, mette.id)
        assert mette is not None
        mette.services = [
            *mette.services,
            *session.scalars(select(Service).where(Service.code == "jobcenter")),
        ]
    assert len(monday_slots(first)) == ALL_DAY_JOBCENTER
    with second.transaction() as session:
        worker = session.get(Caseworker, mette.id)
        assert worker is not None
        worker.active = False
    assert monday_slots(first) == []


def test_a_booking_does_not_move_the_schedule_version_so_the_cache_survives_it(
    workers: tuple[Database, Database],
) -> None:
    first, second = workers
    before = version(first)
    assert before is not None
    with second.transaction() as session:
        worker = jobcenter_workers(session)[0]
        start = datetime.combine(MONDAY, time(10), tzinfo=COPENHAGEN)
        session.add(
            Booking(
                reference=secrets.token_hex(4).upper(),
                service_id=worker.services[0].id,
                caseworker=worker,
                start_at=start,
                end_at=start + timedelta(minutes=30),
                citizen_name="Test Borger",
                room_name=secrets.token_hex(16),
                manage_token_hash=secrets.token_hex(32),
            )
        )
    assert version(first) == before


def test_a_repeated_search_reads_neither_services_nor_working_hours_again(
    workers: tuple[Database, Database],
) -> None:
    first, _ = workers
    monday_slots(first)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(first.engine, "before_cursor_execute", record)
    try:
        assert len(monday_slots(first)) == ALL_DAY_JOBCENTER
    finally:
        event.remove(first.engine, "before_cursor_execute", record)
    read = " ".join(statements)
    assert "schedule_versions" in read and "bookings" in read and "absences" in read
    assert "working_hours" not in read and "FROM services" not in read
