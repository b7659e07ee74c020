"""The benchmark's data: the demo data plus a busy jobcentre and a service for the load test.

- `jobcenter` gets 17 more caseworkers (20 in all, the demo weekly hours) and 2,000 confirmed
  bookings over the 4 weeks searched, placed as the engine would (on the grid, buffers kept):
  5 a working day per caseworker, so the search has real conflicts to check.
- `benchload` (15 min, no buffer, no notice, 60 days ahead) has 20 caseworkers working every day
  07:00-22:00, so the load test never runs out of free slots and requests do not collide.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.db import Database
from booking.demo import seed_demo
from booking.models import Booking, Caseworker, ConsentText, Service, WorkingHours
from booking.slots import COPENHAGEN, ServiceRules, local_date
from web.cli import upgrade_database

CASEWORKERS = 20
BOOKINGS = 2_000
WEEKS = 4
LOAD_SERVICE = "benchload"
LOAD_DAY_START, LOAD_DAY_END = time(7, 0), time(22, 0)


@dataclass(frozen=True)
class Dataset:
    search_from: date  # a Monday
    search_to: date  # the Sunday four weeks later
    now: datetime  # the clock the slot search runs at
    bookings: int


def prepare(url: str, now: datetime) -> int:
    """Migrate the empty database at `url` and `build` the dataset in it; returns the version
    of the Danish booking consent text, which every booking request of the load names."""
    upgrade_database(url)
    database = Database(url)
    try:
        with database.transaction() as session:
            build(session, now=now)
            return session.scalars(
                select(ConsentText.version).where(
                    ConsentText.purpose == "booking",
                    ConsentText.language == "da",
                    ConsentText.active.is_(True),
                )
            ).one()
    finally:
        database.dispose()


def build(
    session: Session,
    *,
    now: datetime,
    seed: int = 2026,
    caseworkers: int = CASEWORKERS,
    bookings: int = BOOKINGS,
) -> Dataset:
    """Fill an empty, migrated database. Deterministic for a given `now` and `seed`;
    `caseworkers` and `bookings` size `jobcenter` (the load service keeps its 20)."""
    rng = random.Random(seed)
    seed_demo(session)
    jobcenter = session.scalars(select(Service).where(Service.code == "jobcenter")).one()
    workers = list(jobcenter.caseworkers)
    for i in range(len(workers), caseworkers):
        worker = Caseworker(name=f"Bench Sagsbehandler {i}", email=f"bench{i}@example.dk")
        worker.services = [jobcenter]
        worker.working_hours = [
            WorkingHours(weekday=h.weekday, start_time=h.start_time, end_time=h.end_time)
            for h in workers[0].working_hours
        ]
        session.add(worker)
        workers.append(worker)
    session.flush()

    first_monday = local_date(now) + timedelta(days=7 - local_date(now).weekday())
    made = _book_jobcenter(session, jobcenter, workers, first_monday, rng, bookings)
    _add_load_service(session)
    session.flush()
    return Dataset(
        search_from=first_monday,
        search_to=first_monday + timedelta(days=7 * WEEKS - 1),
        now=now,
        bookings=made,
    )


def _book_jobcenter(
    session: Session,
    service: Service,
    workers: list[Caseworker],
    monday: date,
    rng: random.Random,
    bookings: int,
) -> int:
    rules = ServiceRules.from_service(service)
    days = [
        monday + timedelta(days=d)
        for d in range(7 * WEEKS)
        if (monday + timedelta(d)).weekday() < 5
    ]
    per_day = bookings // (len(workers) * len(days))
    made = 0
    for worker in workers:
        for day in days:
            # Every other grid point is 60 minutes from the next: never within the buffer.
            parity = rng.randrange(2)
            candidates = _grid(worker, day, rules, parity)
            if len(candidates) < per_day:
                candidates = _grid(worker, day, rules, 1 - parity)
            for start in rng.sample(candidates, per_day):
                session.add(_booking(service, worker, start, rules.duration))
                made += 1
    return made


def _grid(worker: Caseworker, day: date, rules: ServiceRules, parity: int) -> list[datetime]:
    starts = []
    for hours in worker.working_hours:
        if hours.weekday != day.weekday():
            continue
        start = datetime.combine(day, hours.start_time, tzinfo=COPENHAGEN)
        end = datetime.combine(day, hours.end_time, tzinfo=COPENHAGEN)
        index = 0
        while start + rules.duration <= end:
            if index % 2 == parity:
                starts.append(start)
            start += rules.step
            index += 1
    return starts


def _booking(service: Service, worker: Caseworker, start: datetime, length: timedelta) -> Booking:
    return Booking(
        reference=secrets.token_hex(5).upper(),
        service=service,
        caseworker=worker,
        start_at=start,
        end_at=start + length,
        citizen_name="Bench Borger",
        citizen_phone="+4520000000",
        room_name=secrets.token_hex(16),
        manage_token_hash=secrets.token_hex(32),
    )


def _add_load_service(session: Session) -> None:
    service = Service(
        code=LOAD_SERVICE,
        name_da="Belastningstest",
        name_en="Load test",
        duration_minutes=15,
        buffer_minutes=0,
        slot_step_minutes=15,
        min_notice_minutes=0,
        horizon_days=60,
    )
    session.add(service)
    for i in range(CASEWORKERS):
        worker = Caseworker(name=f"Load Sagsbehandler {i}", email=f"load{i}@example.dk")
        worker.services = [service]
        worker.working_hours = [
            WorkingHours(weekday=d, start_time=LOAD_DAY_START, end_time=LOAD_DAY_END)
            for d in range(7)
        ]
        session.add(worker)


def load_starts(now: datetime, *, days: int = 55) -> list[datetime]:
    """Every start of `benchload` from tomorrow on, each listed once per caseworker.

    Rounds go over all starts before repeating one, so concurrent requests ask for different
    times and the figures measure booking, not 409s from clients racing for the same slot.
    """
    first = local_date(now) + timedelta(days=1)
    starts = []
    for d in range(days):
        day = first + timedelta(days=d)
        t = datetime.combine(day, LOAD_DAY_START, tzinfo=COPENHAGEN)
        end = datetime.combine(day, LOAD_DAY_END, tzinfo=COPENHAGEN)
        while t + timedelta(minutes=15) <= end:
            starts.append(t)
            t += timedelta(minutes=15)
    return starts * CASEWORKERS
