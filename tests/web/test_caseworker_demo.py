"""The demo data lets a demo caseworker log in and work through a day (`make run`)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from booking.demo import (
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_PASSWORD,
    seed_demo_meetings,
    seed_demo_users,
)
from booking.models import Booking, ConsentRecord, User
from tests.support.clock import Clock
from tests.support.staff import NOW, login, seed


def test_the_demo_caseworker_logs_in_and_can_start_the_next_meeting(
    app: Flask, client: FlaskClient, db, clock: Clock
) -> None:
    seed(db)
    with db.transaction() as session:
        logins = seed_demo_users(session, NOW)
        assert seed_demo_meetings(session, NOW) == 5
    with db.transaction() as session:
        # A second seed changes nothing.
        assert seed_demo_users(session, NOW) == logins
        assert seed_demo_meetings(session, NOW) == 0
        assert session.scalar(select(func.count()).select_from(User)) == 8
        assert session.scalar(select(func.count()).select_from(ConsentRecord)) >= 5
        soon = session.scalar(select(Booking.reference).order_by(Booking.start_at).offset(1))

    email, password = logins[0]
    assert login(client, email, password).status_code == 302
    today = client.get("/caseworker/").get_data(as_text=True)
    assert today.count("meeting-item ") == 4  # four today, one tomorrow
    next_section = today[today.index("next-heading") : today.index("list-heading")]
    assert f"/caseworker/meetings/{soon}/start" in next_section
    start = client.get(f"/caseworker/meetings/{soon}/start")
    assert start.headers["X-Meeting-State"] == "open"

    admin = app.test_client()
    assert (DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD) in logins
    assert login(admin, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD).status_code == 302
