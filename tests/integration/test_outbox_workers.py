"""Real worker processes: killed mid-batch, restarted; two workers on one PostgreSQL database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from booking.db import Database
from booking.models import OutboxMessage
from booking.notify import DispatchSettings, MemoryEmailSender, Senders, claim_due, run_worker
from booking.notify.twilio_sms import TwilioSmsSender
from tests.support.factories import make_booking, make_caseworker, make_outbox_message, make_service
from tests.support.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilio

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


def queue_sms(db: Database, count: int, *, due_at: datetime) -> list[int]:
    with db.transaction() as session:
        service = make_service(session)
        caseworker = make_caseworker(session, services=[service])
        booking = make_booking(
            session, service=service, caseworker=caseworker, consents=("booking", "sms_reminders")
        )
        return [
            make_outbox_message(session, booking=booking, body=f"Besked {i}", due_at=due_at).id
            for i in range(count)
        ]


def outbox(db: Database) -> list[OutboxMessage]:
    with db.transaction() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def worker_env(database_url: str, fake: FakeTwilio) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMTP_"))}
    env.update(
        BORGERBOOKING_ENV="production",
        SECRET_KEY="worker-test-secret-" + "x" * 32,
        DATABASE_URL=database_url,
        PUBLIC_BASE_URL="https://booking.eksempel.dk",
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM=FROM,
        TWILIO_API_BASE_URL=fake.base_url,
        TWILIO_TIMEOUT_SECONDS="5",
        # The restarted worker must see the dead worker's claims as expired right away.
        OUTBOX_LEASE_SECONDS="0",
        OUTBOX_BATCH="10",
        RATELIMIT_STORAGE_URI="memory://",
    )
    return env


def start_worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "web", "worker", "--once"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_worker_killed_between_sending_and_recording_is_made_good_exactly_once(
    sqlite_url: str, twilio: FakeTwilio
) -> None:
    db = Database(sqlite_url)
    ids = queue_sms(db, 5, due_at=datetime.now(UTC) - timedelta(minutes=1))
    env = worker_env(sqlite_url, twilio)

    first = start_worker(env)
    # Twilio accepts the third message, then the worker dies before it reads the answer.
    twilio.kill_pid_after = (first.pid, 3)
    first.communicate(timeout=60)
    assert first.returncode == -signal.SIGKILL
    assert len(twilio.accepted) == 3
    assert [m.status for m in outbox(db)] == ["sent", "sent", "sending", "sending", "sending"]

    second = start_worker(env)
    _, err = second.communicate(timeout=60)
    assert second.returncode == 0, err

    assert sorted(twilio.bodies()) == [f"Besked {i}" for i in range(5)]
    rows = outbox(db)
    assert [m.id for m in rows] == ids
    assert all(m.status == "sent" for m in rows)
    by_body = {m["body"]: m["sid"] for m in twilio.accepted}
    assert sorted(m.provider_message_id or "" for m in rows) == sorted(by_body.values())
    assert twilio.problems == []
    db.dispose()


def sender_for(fake: FakeTwilio) -> Senders:
    sms = TwilioSmsSender(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        from_=FROM,
        api_base_url=fake.base_url,
        timeout=5,
    )
    return Senders(sms=sms, email=MemoryEmailSender())


@pytest.mark.postgres
def test_two_workers_on_postgresql_never_send_a_message_twice(
    postgres_url: str, twilio: FakeTwilio
) -> None:
    db = Database(postgres_url)
    now = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    twilio.clock = lambda: now
    twilio.delay_each = 0.005
    queue_sms(db, 40, due_at=now)
    settings = DispatchSettings(batch=5, lease=timedelta(minutes=10))
    start = threading.Barrier(2)
    sent: dict[str, int] = {}

    def work(name: str) -> None:
        start.wait()
        sent[name] = run_worker(
            db,
            sender_for(twilio),
            settings,
            clock=lambda: now,
            stop=threading.Event(),
            until_idle=True,
            worker_id=name,
        )

    threads = [threading.Thread(target=work, args=(n,)) for n in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(twilio.bodies()) == sorted(f"Besked {i}" for i in range(40))
    assert sum(sent.values()) == 40
    assert all(m.status == "sent" for m in outbox(db))
    db.dispose()


@pytest.mark.postgres
def test_rows_locked_by_a_claim_in_progress_are_skipped_not_waited_for(
    postgres_url: str,
) -> None:
    db = Database(postgres_url)
    now = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    ids = queue_sms(db, 6, due_at=now)
    with db.transaction() as holding:
        locked = holding.scalars(
            select(OutboxMessage.id).where(OutboxMessage.id.in_(ids[:3])).with_for_update()
        ).all()
        claimed = claim_due(db, now=now, worker_id="other", batch=10, lease=timedelta(minutes=5))
    assert sorted(locked) == ids[:3]
    assert sorted(m.id for m in claimed) == ids[3:]
    db.dispose()


@pytest.mark.slow
def test_sigterm_stops_a_running_worker_cleanly(sqlite_url: str, twilio: FakeTwilio) -> None:
    db = Database(sqlite_url)
    queue_sms(db, 1, due_at=datetime.now(UTC) - timedelta(minutes=1))
    env = worker_env(sqlite_url, twilio) | {"WORKER_IDLE_SECONDS": "30"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "web", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Wait until the worker has done its first pass (the message reached Twilio).
        for _ in range(300):
            if twilio.accepted or worker.poll() is not None:
                break
            threading.Event().wait(0.1)
        assert len(twilio.accepted) == 1
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=20)  # far less than the 30 s idle wait
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0
    assert "stopped after sending 1 message(s)" in err
    db.dispose()
