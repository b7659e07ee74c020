"""The caseworker's subscribed calendar feed at a secret, revocable URL (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from booking.db import Database
from booking.meetings import caseworker_for_feed_token, revoke_feed_token, rotate_feed_token
from booking.models import AuditEvent, Caseworker
from tests.support.factories import make_booking, make_caseworker, make_service
from web import create_app

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def feed_app(database_url: str) -> Iterator[Flask]:
    app = create_app("testing", DATABASE_URL=database_url, PUBLIC_BASE_URL="https://b.test")
    app.extensions["clock"] = lambda: NOW
    yield app
    app.extensions["database"].dispose()


@pytest.fixture
def web(feed_app: Flask) -> FlaskClient:
    return feed_app.test_client()


@pytest.fixture
def database(feed_app: Flask) -> Database:
    db: Database = feed_app.extensions["database"]
    return db


def seed_meetings(database: Database) -> tuple[int, int]:
    """Mette's meetings (past, recent, future, cancelled) and one of Bo's; returns their ids."""
    with database.transaction() as session:
        service = make_service(session, name_da="Jobsamtale")
        mette = make_caseworker(session, services=[service], name="Mette Holm")
        bo = make_caseworker(session, services=[service], name="Bo Lund")
        for days, name, status in [
            (-40, "Gammel Person", "confirmed"),  # older than 30 days: not in the feed
            (-2, "Karin Sørensen", "confirmed"),
            (3, "Anna Marie Jensen", "confirmed"),
            (4, "Aflyst Borger", "cancelled"),
        ]:
            make_booking(
                session,
                service=service,
                caseworker=mette,
                start=NOW + timedelta(days=days),
                name=name,
                status=status,
            )
        make_booking(
            session, service=service, caseworker=bo, start=NOW + timedelta(days=3), name="Ole Bo"
        )
        return mette.id, bo.id


def new_token(database: Database, caseworker_id: int) -> str:
    with database.transaction() as session:
        caseworker = session.get(Caseworker, caseworker_id)
        assert caseworker is not None
        return rotate_feed_token(session, caseworker)


def test_the_feed_lists_the_caseworkers_confirmed_meetings_with_minimised_names(
    web: FlaskClient, database: Database
) -> None:
    mette, _ = seed_meetings(database)
    token = new_token(database, mette)

    response = web.get(f"/calendar/{token}.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["X-WR-CALNAME"]) == "Borgerbooking: Mette Holm"
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Videomøde: Karin S.", "Videomøde: Anna J."]
    assert events[1].decoded("DTSTART") == NOW + timedelta(days=3)
    assert str(events[1]["URL"]).startswith("https://b.test/caseworker/meetings/")
    assert str(events[1]["URL"]).endswith("/start")
    for text in [b"Gammel", b"Aflyst", b"Ole", b"Marie", b"Jensen", b"+4512345678", b"@example.dk"]:
        assert text not in response.data


def test_only_the_hash_of_the_token_is_stored(database: Database) -> None:
    mette, _ = seed_meetings(database)
    token = new_token(database, mette)

    with database.transaction() as session:
        stored = session.get(Caseworker, mette).calendar_feed_token_hash  # type: ignore[union-attr]
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored
    assert len(token) >= 40


def test_rotating_the_token_stops_the_old_url_at_once(web: FlaskClient, database: Database) -> None:
    mette, _ = seed_meetings(database)
    old = new_token(database, mette)
    new = new_token(database, mette)

    assert new != old
    assert web.get(f"/calendar/{old}.ics").status_code == 404
    assert web.get(f"/calendar/{new}.ics").status_code == 200


def test_a_revoked_token_answers_404(web: FlaskClient, database: Database) -> None:
    mette, _ = seed_meetings(database)
    token = new_token(database, mette)

    with database.transaction() as session:
        caseworker = session.get(Caseworker, mette)
        assert caseworker is not None
        revoke_feed_token(session, caseworker)

    assert web.get(f"/calendar/{token}.ics").status_code == 404
    with database.transaction() as session:
        assert caseworker_for_feed_token(session, token) is None


@pytest.mark.parametrize("token", ["unknown", "x" * 500, "%00", "a.b"])
def test_unknown_tokens_answer_404(web: FlaskClient, database: Database, token: str) -> None:
    mette, _ = seed_meetings(database)
    new_token(database, mette)

    assert web.get(f"/calendar/{token}.ics").status_code == 404


def test_an_inactive_caseworkers_feed_stops(web: FlaskClient, database: Database) -> None:
    mette, _ = seed_meetings(database)
    token = new_token(database, mette)
    with database.transaction() as session:
        session.get(Caseworker, mette).active = False  # type: ignore[union-attr]

    assert web.get(f"/calendar/{token}.ics").status_code == 404


def test_each_caseworker_sees_only_their_own_meetings(web: FlaskClient, database: Database) -> None:
    _, bo = seed_meetings(database)
    token = new_token(database, bo)

    events = Calendar.from_ical(web.get(f"/calendar/{token}.ics").data).walk("VEVENT")

    assert [str(e["SUMMARY"]) for e in events] == ["Videomøde: Ole B."]


def test_reading_the_feed_is_audited_without_personal_data(
    web: FlaskClient, database: Database
) -> None:
    mette, _ = seed_meetings(database)
    token = new_token(database, mette)

    web.get(f"/calendar/{token}.ics")

    with database.transaction() as session:
        (event,) = session.scalars(select(AuditEvent)).all()
        assert event.action == "calendar_feed.read"
        assert event.detail == {"meetings": 2}
        assert token not in repr(event.detail)
