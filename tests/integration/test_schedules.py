"""Loading schedules and searching slots against a real database, SQLite and PostgreSQL.

Demo data: `jobcenter` is 30 min, 10 min buffer, 30 min step, 4 h notice, 42 days horizon, served
by Mette, Lars and Aisha, Monday-Thursday 8:30-12 and 12:30-15:30 (Copenhagen wall-clock).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.db import Database
from booking.demo import seed_demo
from booking.errors import NotFound, ValidationFailed
from booking.models import Absence, Booking, BookingStatus, Caseworker, Service, WorkingHours
from booking.slots import (
    COPENHAGEN,
    MAX_SEARCH_DAYS,
    Interval,
    load_schedules,
    local_midnight,
    search_slots,
)

MONDAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ALL_DAY_JOBCENTER = 13  # 7 morning + 6 afternoon slots of 30 minutes


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    database = Database(database_url)
    with database.session() as session:
        seed_demo(session)
        session.commit()
        yield session
    database.dispose()


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=COPENHAGEN)


def service(session: Session, code: str = "jobcenter") -> Service:
    return session.scalars(select(Service).where(Service.code == code)).one()


def caseworker(session: Session, email_start: str) -> Caseworker:
    return session.scalars(select(Caseworker).where(Caseworker.email.startswith(email_start))).one()


def add_booking(
    session: Session,
    worker: Caseworker,
    start: datetime,
    *,
    minutes: int = 30,
    code: str = "jobcenter",
    status: BookingStatus = BookingStatus.CONFIRMED,
) -> Booking:
    booking = Booking(
        reference=secrets.token_hex(4).upper(),
        service=service(session, code),
        caseworker=worker,
        start_at=start,
        end_at=start + timedelta(minutes=minutes),
        status=status.value,
        citizen_name="Test Borger",
        citizen_phone="+4512345678",
        room_name=secrets.token_hex(16),
        manage_token_hash=secrets.token_hex(32),
    )
    session.add(booking)
    session.commit()
    return booking


def add_absence(session: Session, worker: Caseworker, start: datetime, end: datetime) -> None:
    session.add(Absence(caseworker=worker, start_at=start, end_at=end, reason="Kursus"))
    session.commit()


def jobcenter_workers(session: Session) -> list[Caseworker]:
    return [caseworker(session, name) for name in ("mette", "lars", "aisha")]


def local_times(slots: list) -> list[str]:  # type: ignore[type-arg]
    return [s.start.astimezone(COPENHAGEN).strftime("%H:%M") for s in slots]


def test_a_free_monday_offers_every_slot_once_although_three_caseworkers_are_free(
    session: Session,
) -> None:
    slots = search_slots(session, "jobcenter", MONDAY, MONDAY, now=NOW)
    assert len(slots) == ALL_DAY_JOBCENTER
    assert slots[0].start == datetime(2026, 11, 30, 7, 30, tzinfo=UTC)
    assert slots[-1].end == datetime(2026, 11, 30, 14, 30, tzinfo=UTC)


def test_a_time_stays_offered_while_one_caseworker_is_still_free(session: Session) -> None:
    mette, lars, aisha = jobcenter_workers(session)
    add_booking(session, mette, local(MONDAY, 10))
    add_booking(session, lars, local(MONDAY, 10))
    assert "10:00" in local_times(search_slots(session, "jobcenter", MONDAY, MONDAY, now=NOW))
    add_booking(session, aisha, local(MONDAY, 10))
    times = local_times(search_slots(session, "jobcenter", MONDAY, MONDAY, now=NOW))
    # The 10 minute buffer also removes the neighbouring slots.
    assert {"09:30", "10:00", "10:30"}.isdisjoint(times)
    assert {"09:00", "11:00"} <= set(times)


def test_cancelled_bookings_free_their_time_again(session: Session) -> None:
    for worker in jobcenter_workers(session):
        add_booking(session, worker, local(MONDAY, 10), status=BookingStatus.CANCELLED)
    assert len(search_slots(session, "jobcenter", MONDAY, MONDAY, now=NOW)) == ALL_DAY_JOBCENTER


def test_a_booking_for_another_service_still_makes_the_caseworker_busy(session: Session) -> None:
    mette = caseworker(session, "mette")
    load_window = Interval(local(MONDAY, 8), local(MONDAY, 16))
    add_booking(session, mette, local(MONDAY, 9), minutes=45, code="fysioterapi")
    schedules = load_schedules(session, service(session), load_window)
    busy = {s.caseworker_id: s.busy for s in schedules}
    assert busy[mette.id] == (Interval(local(MONDAY, 9), local(MONDAY, 9, 45)),)
    assert busy[mette.id][0].start.tzinfo is not None


def test_only_active_caseworkers_who_serve_the_service_are_loaded(session: Session) -> None:
    lars = caseworker(session, "lars")
    lars.active = False
    session.commit()
    window = Interval(local(MONDAY, 0), local(MONDAY + timedelta(days=1), 0))
    loaded = load_schedules(session, service(session), window)
    names = {session.get(Caseworker, s.caseworker_id).name for s in loaded}  # type: ignore[union-attr]
    assert names == {"Mette Jensen", "Aisha Hansen"}


def test_loaded_working_hours_are_the_weekly_pattern(session: Session) -> None:
    mette = caseworker(session, "mette")
    window = Interval(local(MONDAY, 0), local(MONDAY + timedelta(days=1), 0))
    schedule = next(
        s for s in load_schedules(session, service(session), window) if s.caseworker_id == mette.id
    )
    assert (0, time(8, 30), time(12, 0)) in schedule.weekly_hours
    assert (4, time(8, 30), time(13, 0)) in schedule.weekly_hours
    assert len(schedule.weekly_hours) == 9


def test_bookings_just_outside_the_window_are_loaded_when_the_buffer_reaches_in(
    session: Session,
) -> None:
    mette, lars = caseworker(session, "mette"), caseworker(session, "lars")
    before = add_booking(session, mette, local(MONDAY, 9, 25))  # ends 9:55, buffer to 10:05
    after = add_booking(session, mette, local(MONDAY, 11, 35))  # a slot at 10:59 runs to 11:29
    far = add_booking(session, lars, local(MONDAY, 11, 45))  # beyond 11:00 + 30 + 10 min
    window = Interval(local(MONDAY, 10), local(MONDAY, 11))
    busy = {s.caseworker_id: s.busy for s in load_schedules(session, service(session), window)}
    assert {b.start for b in busy[mette.id]} == {before.start_at, after.start_at}
    assert far.start_at == local(MONDAY, 11, 45)
    assert busy[lars.id] == ()


def test_a_reschedule_does_not_collide_with_the_booking_it_moves(session: Session) -> None:
    mette = caseworker(session, "mette")
    booking = add_booking(session, mette, local(MONDAY, 10))
    window = Interval(local(MONDAY, 0), local(MONDAY + timedelta(days=1), 0))
    with_it = load_schedules(session, service(session), window)
    without_it = load_schedules(session, service(session), window, exclude_booking_id=booking.id)
    assert [s.busy for s in with_it if s.caseworker_id == mette.id] == [
        (Interval(booking.start_at, booking.end_at),)
    ]
    assert all(s.busy == () for s in without_it)


def test_an_absence_removes_its_hours_from_the_search(session: Session) -> None:
    for worker in jobcenter_workers(session):
        add_absence(session, worker, local(MONDAY, 12, 30), local(MONDAY, 16))
    times = local_times(search_slots(session, "jobcenter", MONDAY, MONDAY, now=NOW))
    assert times == ["08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]


def test_a_sick_day_of_one_caseworker_leaves_the_others_slots(session: Session) -> None:
    add_absence(session, caseworker(session, "lars"), local(MONDAY, 0), local(MONDAY, 23))
    assert len(search_slots(session, "jobcenter", MONDAY, MONDAY, now=NOW)) == ALL_DAY_JOBCENTER


def test_the_search_honours_notice_and_horizon(session: Session) -> None:
    now = local(MONDAY, 8, 0).astimezone(UTC)
    times = local_times(search_slots(session, "jobcenter", MONDAY, MONDAY, now=now))
    assert times[0] == "12:30"  # 8:00 + 4 hours' notice = 12:00, which is lunch
    last_day = MONDAY + timedelta(days=42)  # Monday 2027-01-11
    slots = search_slots(session, "jobcenter", last_day, last_day + timedelta(days=2), now=now)
    assert {s.start.astimezone(COPENHAGEN).date() for s in slots} == {last_day}


def test_the_search_covers_local_dates_across_the_change_to_summer_time(session: Session) -> None:
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    slots = search_slots(session, "jobcenter", date(2027, 3, 25), date(2027, 3, 29), now=now)
    first_per_day = {}
    for slot in slots:
        first_per_day.setdefault(slot.start.astimezone(COPENHAGEN).date(), slot.start)
    assert first_per_day == {
        date(2027, 3, 25): datetime(2027, 3, 25, 7, 30, tzinfo=UTC),
        date(2027, 3, 26): datetime(2027, 3, 26, 7, 30, tzinfo=UTC),
        date(2027, 3, 29): datetime(2027, 3, 29, 6, 30, tzinfo=UTC),
    }


def test_friday_hours_end_earlier_for_mette_and_aisha_than_for_lars(session: Session) -> None:
    friday = date(2026, 12, 4)
    times = local_times(search_slots(session, "jobcenter", friday, friday, now=NOW))
    assert times[-1] == "13:30"  # Lars works until 14:00 on Fridays
    worker_hours = session.scalars(
        select(WorkingHours).where(WorkingHours.weekday == 4, WorkingHours.end_time > time(13))
    ).all()
    assert {h.caseworker.name for h in worker_hours} >= {"Lars Nielsen"}


def test_an_unknown_service_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound) as error:
        search_slots(session, "tandlaege", MONDAY, MONDAY, now=NOW)
    assert "does not exist" in error.value.message
    assert "findes ikke" in error.value.in_language("da")


def test_an_inactive_service_is_not_found(session: Session) -> None:
    service(session, "fysioterapi").active = False
    session.commit()
    with pytest.raises(NotFound):
        search_slots(session, "fysioterapi", MONDAY, MONDAY, now=NOW)


def test_a_reversed_date_range_is_refused(session: Session) -> None:
    with pytest.raises(ValidationFailed) as error:
        search_slots(session, "jobcenter", MONDAY, MONDAY - timedelta(days=1), now=NOW)
    assert error.value.field == "to"


def test_a_range_longer_than_the_limit_is_refused_and_the_limit_itself_is_allowed(
    session: Session,
) -> None:
    last_allowed = MONDAY + timedelta(days=MAX_SEARCH_DAYS - 1)
    assert search_slots(session, "jobcenter", MONDAY, last_allowed, now=NOW)
    with pytest.raises(ValidationFailed) as error:
        search_slots(session, "jobcenter", MONDAY, last_allowed + timedelta(days=1), now=NOW)
    assert error.value.field == "to"


def test_a_search_window_is_whole_local_days(session: Session) -> None:
    # A caseworker who works late on Mondays: 23:30 Copenhagen is 22:30 UTC, same local day.
    mette = caseworker(session, "mette")
    mette.working_hours.append(WorkingHours(weekday=0, start_time=time(23), end_time=time(23, 59)))
    session.commit()
    slots = search_slots(session, "jobcenter", MONDAY, MONDAY, now=NOW)
    assert slots[-1].start == datetime(2026, 11, 30, 22, 0, tzinfo=UTC)
    tuesday = search_slots(
        session, "jobcenter", MONDAY + timedelta(days=1), MONDAY + timedelta(days=1), now=NOW
    )
    assert tuesday[0].start == local_midnight(MONDAY + timedelta(days=1)) + timedelta(
        hours=8, minutes=30
    )
