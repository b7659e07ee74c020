"""`python -m bench` (`make bench`): measure and print the figures; nothing is asserted.

1. Slot search latency (p50/p95) via `search_slots` on SQLite: one service, 4 weeks, 20
   caseworkers with 2,000 existing bookings (target p95 <= 20 ms) and 200 with 20,000; with
   `--before DIR` also an earlier checkout's figures in the same run.
2. Booking-create throughput and p50/p95 latency with 16 concurrent clients against the app under
   gunicorn, on SQLite and on PostgreSQL, next to the same load on `/healthz` (the ceiling).
3. The assistant (bench/bot.py): NLU parse latency, chat-turn latency for a FAQ turn and a
   booking turn through the REST channel; bench/training.py: a full `rasa train` on a cold cache
   (target <= 180 s) and the retraining after one FAQ edit on the warm cache (<= 90 s), with the
   held-out macro-F1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bench import bot, dataset, load, slots
from bench.pgwait import LockWaitSampler
from bench.server import AppServer, process_tree_cpu_seconds
from bench.stats import Figures, render
from booking.db import Database
from booking.models import Booking, BookingStatus, OutboxMessage, Service


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=12.0, help="seconds per load phase")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--repeats", type=int, default=40, help="slot searches to time")
    parser.add_argument("--skip-load", action="store_true", help="only the slot search")
    parser.add_argument(
        "--before",
        type=Path,
        default=os.environ.get("BENCH_BEFORE") or None,
        help="an earlier checkout (read only) whose slot search is timed too, e.g. ../main-clone",
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-bot", action="store_true", help="no assistant figures")
    args = parser.parse_args(argv)

    now = datetime.now(UTC)
    load_before = os.getloadavg()[0]  # other work on the machine skews every figure
    rows: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="bb-bench-") as tmp:
        workdir = Path(tmp)
        print("slot search …", file=sys.stderr)
        rows += slots.run(workdir, now=now, repeats=args.repeats, before=args.before)
        if not args.skip_load:
            print("load on SQLite …", file=sys.stderr)
            rows += _load_backend("SQLite", f"sqlite:///{workdir / 'load.db'}", workdir, now, args)
            if not args.skip_postgres:
                rows += _load_on_postgres(workdir, now, args)
    header = (
        f"Borgerbooking benchmark, {now:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"{args.clients} clients, gunicorn {args.workers} sync workers, "
        f"{args.duration:.0f} s per load phase, load average before/after "
        f"{load_before:.1f}/{os.getloadavg()[0]:.1f}"
    )
    print(header)
    print("-" * len(header))
    print(render(rows))
    if not args.skip_bot:
        print("assistant …", file=sys.stderr)
        bot.run()
    return 0


def _load_on_postgres(workdir: Path, now: datetime, args: argparse.Namespace) -> list[Figures]:
    # The test support module starts a throwaway server from the Debian package.
    from tests.support.postgres import start_postgres

    print("load on PostgreSQL …", file=sys.stderr)
    try:
        server = start_postgres(workdir)
    except (RuntimeError, OSError) as exc:
        return [Figures("PostgreSQL", {"skipped": str(exc)})]
    try:
        server.execute('CREATE DATABASE "bench"')
        postmaster = int((server.data_dir / "postmaster.pid").read_text().split()[0])
        return _load_backend(
            "PostgreSQL", server.url("bench"), workdir, now, args, database_pid=postmaster
        )
    finally:
        server.stop()


def _load_backend(
    label: str,
    url: str,
    workdir: Path,
    now: datetime,
    args: argparse.Namespace,
    *,
    database_pid: int | None = None,
) -> list[Figures]:
    consent_version = dataset.prepare(url, now)

    log = workdir / f"gunicorn-{label.lower()}.log"
    with AppServer(url, workers=args.workers, log_path=log) as server:
        load.run(server.base_url, load.health_requests(), success=200, clients=4, duration=1.0)
        meter = CpuMeter(server, database_pid)
        ceiling = load.run(
            server.base_url,
            load.health_requests(),
            success=200,
            clients=args.clients,
            duration=args.duration,
        )
        ceiling_cpu = meter.spent()
        requests = load.booking_requests(
            dataset.LOAD_SERVICE, dataset.load_starts(now), consent_version
        )
        status, body = load.probe(server.base_url, next(requests))
        ceiling_row = ceiling.figures(f"GET /healthz (ceiling), {label}", success=200)
        _cpu_note(ceiling_row, ceiling_cpu, ceiling)
        rows = [ceiling_row]
        if status != 201:
            rows.append(
                Figures(
                    f"POST /api/v1/bookings, {label}", {"not measured": f"probe got {status}"}
                ).note(body.replace("\n", " "))
            )
            return rows
        with contextlib.ExitStack() as stack:
            sampler = (
                stack.enter_context(LockWaitSampler(url)) if url.startswith("postgresql") else None
            )
            meter = CpuMeter(server, database_pid)
            created = load.run(
                server.base_url,
                requests,
                success=201,
                clients=args.clients,
                duration=args.duration,
                idempotent=True,
            )
            created_cpu = meter.spent()
        gave_up = load.give_up_and_retry(server.base_url, requests, count=GIVE_UP_REQUESTS)
    row = created.figures(f"POST /api/v1/bookings, {label}", success=201)
    if ceiling.throughput:
        ratio = created.throughput / ceiling.throughput
        row.values["vs ceiling"] = f"{ratio:.0%} (target >= {TARGET_RATIO[label]:.0%})"
    if created.latencies_ms:
        row.values["p95"] += " (target <= 60 ms)"
    per_booking = _cpu_note(row, created_cpu, created)
    if per_booking and ceiling.throughput:
        # what the machine's CPUs could do at this CPU per booking, were nothing else in the way
        bound = (os.cpu_count() or 1) * 1000 / per_booking
        row.note(
            f"with every CPU busy at this CPU per booking: at most {bound:.0f} req/s,"
            f" {bound / ceiling.throughput:.0%} of the ceiling"
        )
    if sampler is not None:
        row.note(sampler.summary())
    told = created.statuses.get(201, 0) + 1 + len(gave_up.references)  # + the probe
    row.note(
        f"client gave up on {gave_up.keys} requests after 3 ms ({gave_up.timed_out} not "
        f"answered in time); retried with the same key: {gave_up.retried_201} x 201 "
        f"({gave_up.replayed} replayed the first try's booking)"
        + (f", other: {dict(gave_up.other)}" if gave_up.other else "")
    )
    row.note(_integrity(url, told=told))
    rows.append(row)
    return rows


GIVE_UP_REQUESTS = 40
TARGET_RATIO = {"SQLite": 0.45, "PostgreSQL": 0.35}


class CpuMeter:
    """CPU time spent during one load phase by the app (gunicorn), the clients (this process)
    and, on PostgreSQL, the database server: the machine's 2 cores are shared by all three."""

    def __init__(self, server: AppServer, database_pid: int | None) -> None:
        self._server, self._database_pid = server, database_pid
        self._start = self._now()

    def _now(self) -> dict[str, float]:
        cpu = {"app": self._server.cpu_seconds(), "clients": time.process_time()}
        if self._database_pid is not None:
            cpu["database"] = process_tree_cpu_seconds(self._database_pid)
        return cpu

    def spent(self) -> dict[str, float]:
        return {part: seconds - self._start[part] for part, seconds in self._now().items()}


def _cpu_per_request(spent: dict[str, float], result: load.LoadResult) -> dict[str, float]:
    """Milliseconds of CPU per answered request, by part."""
    answered = sum(result.statuses.values())
    return {part: 1000 * seconds / answered for part, seconds in spent.items()} if answered else {}


def _cpu_note(row: Figures, spent: dict[str, float], result: load.LoadResult) -> float:
    """Notes the CPU per request by part on `row`; returns the total in ms (0 if unknown)."""
    per_request = _cpu_per_request(spent, result)
    if not per_request.get("app"):
        return 0.0
    total = sum(per_request.values())
    parts = " + ".join(f"{part} {ms:.1f}" for part, ms in per_request.items())
    busy = sum(spent.values()) / result.elapsed / (os.cpu_count() or 1) if result.elapsed else 0
    row.note(
        f"CPU per request: {parts} = {total:.1f} ms"
        f" (app = gunicorn workers, clients = this process); the CPUs {busy:.0%} busy"
    )
    return total


def _integrity(url: str, *, told: int) -> str:
    """What the load test left in the database: bookings against the 201s the clients got,
    double bookings, and the confirmation each booking must have in the outbox exactly once."""
    database = Database(url)
    try:
        with database.session() as session:
            rows = session.execute(
                select(Booking.id, Booking.caseworker_id, Booking.start_at, Booking.end_at)
                .join(Service)
                .where(
                    Service.code == dataset.LOAD_SERVICE,
                    Booking.status == BookingStatus.CONFIRMED.value,
                )
                .order_by(Booking.caseworker_id, Booking.start_at)
            ).all()
            confirmations = dict(
                session.execute(
                    select(OutboxMessage.booking_id, func.count())
                    .where(
                        OutboxMessage.kind == "confirmation",
                        OutboxMessage.channel == "sms",
                        OutboxMessage.booking_id.in_(
                            select(Booking.id)
                            .join(Service)
                            .where(Service.code == dataset.LOAD_SERVICE)
                        ),
                    )
                    .group_by(OutboxMessage.booking_id)
                ).all()
            )
    finally:
        database.dispose()
    overlaps = sum(
        1
        for a, b in zip(rows, rows[1:], strict=False)
        if a.caseworker_id == b.caseworker_id and b.start_at < a.end_at
    )
    lost = sum(1 for r in rows if confirmations.get(r.id, 0) == 0)
    duplicated = sum(1 for r in rows if confirmations.get(r.id, 0) > 1)
    untold = max(0, len(rows) - told)
    return (
        f"database: {len(rows)} bookings for {told} x 201, {untold} the clients were not told "
        f"about, {overlaps} overlapping; outbox: {lost} confirmations lost, {duplicated} "
        "duplicated"
    )


if __name__ == "__main__":
    raise SystemExit(main())
