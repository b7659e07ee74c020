"""Slot search latency: one service, 4 weeks, 20 caseworkers, 2,000 bookings, on SQLite."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bench import dataset
from bench.stats import Figures, summarise
from booking.db import Database
from booking.models import Service
from booking.slots import (
    Interval,
    ServiceRules,
    free_slots,
    load_schedules,
    local_midnight,
    search_slots,
)
from web.cli import upgrade_database


def run(workdir: Path, *, now: datetime, repeats: int = 40) -> list[Figures]:
    url = f"sqlite:///{workdir / 'slots.db'}"
    upgrade_database(url)
    database = Database(url)
    try:
        with database.transaction() as session:
            data = dataset.build(session, now=now)
        whole, engine, count = _measure(database, data, repeats)
    finally:
        database.dispose()
    label = f"{data.bookings} bookings, 20 caseworkers, 4 weeks"
    return [
        summarise(f"slot search via search_slots, SQLite ({label})", whole, unit="ms").note(
            f"{count} slots returned, {repeats} runs"
        ),
        summarise("  of which the pure engine (free_slots)", engine, unit="ms"),
    ]


def _measure(
    database: Database, data: dataset.Dataset, repeats: int
) -> tuple[list[float], list[float], int]:
    whole: list[float] = []
    engine: list[float] = []
    count = 0
    for i in range(repeats + 3):
        # A fresh session each time, as a request gets: nothing cached between runs.
        with database.session() as session:
            began = time.perf_counter()
            slots = search_slots(
                session, "jobcenter", data.search_from, data.search_to, now=data.now
            )
            elapsed = time.perf_counter() - began
            service = session.scalars(select(Service).where(Service.code == "jobcenter")).one()
            window = Interval(
                local_midnight(data.search_from),
                local_midnight(data.search_to + timedelta(days=1)),
            )
            schedules = load_schedules(session, service, window)
            began = time.perf_counter()
            free_slots(
                ServiceRules.from_service(service),
                schedules,
                window_start=window.start,
                window_end=window.end,
                now=data.now,
            )
            engine_elapsed = time.perf_counter() - began
        if i >= 3:  # warm-up runs fill the OS page cache and SQLAlchemy's statement cache
            whole.append(elapsed * 1000)
            engine.append(engine_elapsed * 1000)
        count = len(slots)
    return whole, engine, count
