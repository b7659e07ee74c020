"""The worker loop: housekeeping (retention) on a schedule, and never at the cost of messages."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from booking.db import Database
from booking.models import Booking
from booking.notify import DispatchSettings, MemoryEmailSender, MemorySmsSender, Senders, run_worker
from tests.support.factories import make_booking, make_caseworker, make_outbox_message, make_service

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)


def senders() -> Senders:
    return Senders(sms=MemorySmsSender(), email=MemoryEmailSender())


def test_housekeeping_runs_at_start_and_again_only_after_its_interval(db: Database) -> None:
    times = iter([NOW, NOW + timedelta(minutes=30), NOW + timedelta(minutes=61)])
    ran: list[datetime] = []
    stop = threading.Event()

    def clock() -> datetime:
        try:
            return next(times)
        except StopIteration:
            stop.set()
            return NOW + timedelta(hours=5)

    run_worker(
        db,
        senders(),
        DispatchSettings(),
        clock=clock,
        stop=stop,
        idle_seconds=0,
        housekeeping=ran.append,
        housekeeping_every=timedelta(hours=1),
    )
    assert ran[:2] == [NOW, NOW + timedelta(minutes=61)]


def test_a_failing_housekeeping_job_does_not_stop_messages(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session)
        caseworker = make_caseworker(session, services=[service])
        booking = make_booking(session, service=service, caseworker=caseworker)
        make_outbox_message(session, booking=booking, kind="confirmation", due_at=NOW)

    def broken(_now: datetime) -> None:
        raise RuntimeError("retention broke")

    sms = MemorySmsSender()
    sent = run_worker(
        db,
        Senders(sms=sms, email=MemoryEmailSender()),
        DispatchSettings(),
        clock=lambda: NOW,
        stop=threading.Event(),
        until_idle=True,
        housekeeping=broken,
    )
    assert sent == 1 and len(sms.sent) == 1


def test_the_worker_command_anonymises_bookings_past_their_retention(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    long_ago = datetime.now(UTC) - timedelta(days=400)
    with db.transaction() as session:
        service = make_service(session, retention_days=90)
        caseworker = make_caseworker(session, services=[service])
        booking_id = make_booking(
            session, service=service, caseworker=caseworker, start=long_ago
        ).id
    env = {
        "PATH": "/usr/bin:/bin",
        "BORGERBOOKING_ENV": "production",
        "SECRET_KEY": "worker-test-secret-" + "x" * 32,
        "DATABASE_URL": sqlite_url,
        "SMS_BACKEND": "console",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "web", "worker", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "anonymised 1 booking(s)" in result.stderr
    with db.transaction() as session:
        booking = session.get(Booking, booking_id)
        assert booking is not None
        assert (booking.citizen_name, booking.citizen_phone) == (None, None)
    db.dispose()
