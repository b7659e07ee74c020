"""Factories and helpers for the staff workspace tests (demo data, logins, CSRF, bookings)."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.bookings import tokens
from booking.db import Database
from booking.demo import seed_demo
from booking.models import Booking, Caseworker, ConsentRecord, OutboxMessage, Role, Service
from booking.staff import accounts
from booking.staff.api_keys import create_api_key_for_email
from tests.support.clock import NOW

PASSWORD = "korrekt hest batteri"
CASEWORKER_EMAIL = "mette.jensen@example.dk"
ADMIN_EMAIL = "admin@example.dk"


def seed(db: Database) -> None:
    with db.transaction() as session:
        seed_demo(session)


def offer_alone(db: Database, email: str = CASEWORKER_EMAIL) -> None:
    """Make every other demo caseworker inactive, so the API's free slots are this one's."""
    with db.transaction() as session:
        for other in session.scalars(select(Caseworker).where(Caseworker.email != email)):
            other.active = False


def caseworker(session: Session, email: str = CASEWORKER_EMAIL) -> Caseworker:
    found = session.scalar(select(Caseworker).where(Caseworker.email == email))
    assert found is not None
    return found


def make_user(
    db: Database,
    *,
    email: str = CASEWORKER_EMAIL,
    role: str = Role.CASEWORKER.value,
    password: str = PASSWORD,
    caseworker_email: str | None = CASEWORKER_EMAIL,
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
    caseworker_email: str = CASEWORKER_EMAIL,
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
            manage_token_hash=secrets.token_hex(32),
            **{"room_name": secrets.token_hex(16), **extra},
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


def login(client: FlaskClient, email: str = CASEWORKER_EMAIL, password: str = PASSWORD) -> Any:
    token = csrf_token(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """POST a form with a valid CSRF token from a page the user can see."""
    token = csrf_token(client, kw.pop("token_from", "/account/password"))
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kw)


def admin_api_key(db: Database, *, name: str = "test") -> str:
    """An administrator (ADMIN_EMAIL) and a new API key of theirs; returns its secret."""
    make_user(db, email=ADMIN_EMAIL, role="admin", caseworker_email=None)
    with db.transaction() as session:
        return create_api_key_for_email(session, ADMIN_EMAIL, name=name, now=NOW).secret
