"""Factories and helpers for the staff workspace tests (login, CSRF tokens, bookings)."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.bookings import tokens
from booking.db import Database
from booking.demo import seed_demo
from booking.models import Booking, Caseworker, ConsentRecord, OutboxMessage, Role, Service
from booking.staff import accounts

PASSWORD = "korrekt hest batteri"
# A Wednesday in November (no DST change nearby), 07:00 UTC = 08:00 in Copenhagen.
NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


class Clock:
    """A settable clock for `app.extensions["clock"]`."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def seed(db: Database) -> None:
    with db.transaction() as session:
        seed_demo(session)


def caseworker(session: Session, email: str = "mette.jensen@example.dk") -> Caseworker:
    found = session.scalar(select(Caseworker).where(Caseworker.email == email))
    assert found is not None
    return found


def make_user(
    db: Database,
    *,
    email: str = "mette.jensen@example.dk",
    role: str = Role.CASEWORKER.value,
    password: str = PASSWORD,
    caseworker_email: str | None = "mette.jensen@example.dk",
) -> int:
    with db.transaction() as session:
        cw_id = caseworker(session, caseworker_email).id if caseworker_email else None
        user = accounts.create_user(
            session, email=email, password=password, role=role, caseworker_id=cw_id, now=NOW
        )
        return user.id


def make_booking(
    db: Database,
    *,
    caseworker_email: str = "mette.jensen@example.dk",
    start: datetime = NOW + timedelta(hours=2),
    minutes: int = 30,
    status: str = "confirmed",
    citizen_name: str = "Karen Borger",
    **extra: Any,
) -> str:
    """A booking written straight to the database; returns its reference."""
    with db.transaction() as session:
        cw = caseworker(session, caseworker_email)
        service = session.scalar(select(Service).where(Service.code == "jobcenter"))
        assert service is not None
        booking = Booking(
            reference=tokens.new_reference(),
            service_id=service.id,
            caseworker_id=cw.id,
            start_at=start,
            end_at=start + timedelta(minutes=minutes),
            status=status,
            citizen_name=citizen_name,
            citizen_phone="+4512345678",
            citizen_email="karen@example.dk",
            language="da",
            channel="web",
            room_name=secrets.token_hex(16),
            manage_token_hash=secrets.token_hex(32),
            **extra,
        )
        session.add(booking)
        session.flush()
        session.add(
            ConsentRecord(
                booking_id=booking.id,
                purpose="booking",
                language="da",
                text_version=1,
                text_hash="0" * 64,
                channel="web",
                given_at=NOW - timedelta(days=1),
            )
        )
        return booking.reference


def add_outbox(
    db: Database, reference: str, *, status: str, delivery_status: str | None = None
) -> None:
    with db.transaction() as session:
        booking = session.scalar(select(Booking).where(Booking.reference == reference))
        assert booking is not None
        session.add(
            OutboxMessage(
                booking_id=booking.id,
                kind="confirmation",
                channel="sms",
                recipient=booking.citizen_phone,
                body="...",
                due_at=NOW - timedelta(hours=1),
                status=status,
                delivery_status=delivery_status,
            )
        )


_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(
    client: FlaskClient, email: str = "mette.jensen@example.dk", password: str = PASSWORD
) -> Any:
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """POST a form with a valid CSRF token from a page the user can see."""
    token = csrf_token(client, kw.pop("token_from", "/account/password"))
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kw)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id with small cost parameters, so the many logins in these tests stay fast.

    Modules that import this fixture use it automatically; production keeps the defaults.
    """
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    )
