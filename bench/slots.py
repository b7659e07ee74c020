"""Slot search latency: one service, 4 weeks, on SQLite, at two sizes (20 caseworkers with
2,000 bookings, and 200 with 20,000), each with the pure engine's share and the target beside.

With `before` (a checkout of an earlier version, e.g. ../main-clone, read only), the same search is
timed on that code's own schema and dataset in a subprocess in the same run, so before and after
share the machine's load.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bench import dataset
from bench.stats import Figures, percentile, summarise
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

SIZES = ((20, 2_000), (200, 20_000))  # (caseworkers, bookings) of `jobcenter`
TARGET_P95_MS = 20.0  # issue 15: at 20 caseworkers and 2,000 bookings


def run(
    workdir: Path, *, now: datetime, repeats: int = 40, before: Path | None = None
) -> list[Figures]:
    rows: list[Figures] = []
    for caseworkers, bookings in SIZES:
        whole, engine, count, made = measure_size(
            workdir / f"slots-{caseworkers}.db", now, repeats, caseworkers, bookings
        )
        label = f"{made} bookings, {caseworkers} caseworkers, 4 weeks"
        target = (
            f"target p95 <= {TARGET_P95_MS:.0f} ms"
            if caseworkers == SIZES[0][0]
            else "no target: shows the growth"
        )
        rows.append(
            summarise(f"slot search via search_slots, SQLite ({label})", whole, unit="ms").note(
                f"{target}; {count} slots returned, {repeats} runs"
            )
        )
        rows.append(summarise("  of which the pure engine (free_slots)", engine, unit="ms"))
        if before is not None:
            rows.append(_before(before, now, repeats, caseworkers, bookings))
    return rows


def measure_size(
    path: Path, now: datetime, repeats: int, caseworkers: int, bookings: int
) -> tuple[list[float], list[float], int, int]:
    url = f"sqlite:///{path}"
    upgrade_database(url)
    database = Database(url)
    try:
        with database.transaction() as session:
            data = dataset.build(session, now=now, caseworkers=caseworkers, bookings=bookings)
        whole, engine, count = _measure(database, data, repeats)
    finally:
        database.dispose()
    return whole, engine, count, data.bookings


def _measure(
    database: Database, data: dataset.Dataset, repeats: int
) -> tuple[list[float], list[float], int]:
    whole: list[float] = []
    engine: list[float] = []
    count = 0
    for i in range(repeats + 3):
        # A fresh session each time, as a request gets; what the search keeps in memory per
        # process (services, weekly hours) stays, as it does in a gunicorn worker.
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


# Runs in the earlier checkout with its own interpreter: its dataset sized through the
# module's constants (what that version reads), its own _measure.
_BEFORE_SCRIPT = """
import json, sys, tempfile
from datetime import datetime
from pathlib import Path
from bench import dataset, slots
from booking.db import Database
from web.cli import upgrade_database
dataset.CASEWORKERS, dataset.BOOKINGS = int(sys.argv[1]), int(sys.argv[2])
now, repeats = datetime.fromisoformat(sys.argv[3]), int(sys.argv[4])
with tempfile.TemporaryDirectory(prefix="bb-bench-before-") as tmp:
    url = f"sqlite:///{Path(tmp) / 'slots.db'}"
    upgrade_database(url)
    database = Database(url)
    with database.transaction() as session:
        data = dataset.build(session, now=now)
    whole, engine, count = slots._measure(database, data, repeats)
    database.dispose()
print(json.dumps({"whole": whole, "engine": engine, "count": count}))
"""


def _before(
    checkout: Path, now: datetime, repeats: int, caseworkers: int, bookings: int
) -> Figures:
    name = f"  before, {checkout} at the same size"
    python = checkout / ".venv" / "bin" / "python"
    env = {**os.environ, "PYTHONPATH": str(checkout), "PYTHONDONTWRITEBYTECODE": "1"}
    args = [str(caseworkers), str(bookings), now.isoformat(), str(repeats)]
    try:
        done = subprocess.run(
            [str(python if python.exists() else sys.executable), "-c", _BEFORE_SCRIPT, *args],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=True,
        )
        measured = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as error:
        return Figures(name, {"result": f"not measured ({type(error).__name__})"})
    return summarise(name, measured["whole"], unit="ms").note(
        f"{measured['count']} slots returned; its engine alone p50/p95 "
        + "/".join(f"{v:.1f}" for v in _p50_p95(measured["engine"]))
        + " ms"
    )


def _p50_p95(samples: list[float]) -> tuple[float, float]:
    return percentile(samples, 50), percentile(samples, 95)
