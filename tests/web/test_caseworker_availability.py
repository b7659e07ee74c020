"""The caseworker's working hours, absences and calendar subscription."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import Absence, WorkingHours
from tests.support.staff import NOW, caseworker, make_booking, offer_alone, post

HOURS_PAGE = "/caseworker/availability"
THURSDAY = "2026-11-26"


@pytest.fixture(autouse=True)
def mette_alone(staff: int, db) -> None:
    """Only Mette offers the jobcentre service, so the API's slots are hers alone."""
    offer_alone(db)


def _hours(db) -> list[tuple[int, time, time]]:
    with db.transaction() as session:
        cw = caseworker(session)
        rows = session.scalars(
            select(WorkingHours)
            .where(WorkingHours.caseworker_id == cw.id)
            .order_by(WorkingHours.weekday, WorkingHours.start_time)
        ).all()
        return [(h.weekday, h.start_time, h.end_time) for h in rows]


def _absences(db) -> list[Absence]:
    with db.transaction() as session:
        return list(session.scalars(select(Absence)))


def _slots(client: FlaskClient, day: str) -> list[str]:
    response = client.get(f"/api/v1/services/jobcenter/slots?from={day}&to={day}")
    assert response.status_code == 200
    return [s["start"] for s in response.get_json()]


def _week(**days: str) -> dict[str, str]:
    form = {f"day{d}": "" for d in range(7)}
    form.update(days)
    return form


def test_the_page_shows_the_current_weekly_hours(logged_in: FlaskClient) -> None:
    page = logged_in.get(HOURS_PAGE).get_data(as_text=True)
    assert 'value="08:30-12:00, 12:30-15:30"' in page
    assert 'value="08:30-13:00"' in page


def test_saving_weekly_hours_changes_the_offered_slots_at_once(logged_in: FlaskClient, db) -> None:
    assert "2026-11-26T14:00:00+01:00" in _slots(logged_in, THURSDAY)
    response = post(
        logged_in, "/caseworker/availability/hours", _week(day0="9:00-12:00", day3="08:00-10:00")
    )
    assert response.status_code == 302
    assert _hours(db) == [(0, time(9), time(12)), (3, time(8), time(10))]
    slots = _slots(logged_in, THURSDAY)
    assert slots and all(s < "2026-11-26T10:00" for s in slots)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("8-12", "skriv tider som 08:30-12:00"),
        ("12:00-08:00", "sluttid skal være efter starttid"),
        ("08:00-12:00, 11:00-13:00", "overlapper"),
        ("24:00-25:00", "ikke et gyldigt tidspunkt"),
    ],
)
def test_bad_weekly_hours_are_refused_and_nothing_changes(
    logged_in: FlaskClient, db, value: str, message: str
) -> None:
    before = _hours(db)
    response = post(
        logged_in, "/caseworker/availability/hours", _week(day0="09:00-12:00", day2=value)
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert f'value="{value}"' in page  # what was typed is kept for correction
    assert _hours(db) == before


def test_an_absence_removes_its_slots_and_lists_the_meetings_it_hits(
    logged_in: FlaskClient, db
) -> None:
    reference = make_booking(db, start=NOW + timedelta(days=1, hours=3))  # Thu 11:00 local
    assert "2026-11-26T09:00:00+01:00" in _slots(logged_in, THURSDAY)
    response = post(
        logged_in,
        "/caseworker/availability/absences",
        {
            "start_date": THURSDAY,
            "start_time": "08:00",
            "end_date": THURSDAY,
            "end_time": "12:00",
            "reason": "Kursus",
        },
    )
    assert response.status_code == 302
    slots = _slots(logged_in, THURSDAY)
    assert slots and all(s >= "2026-11-26T12:" for s in slots)
    page = logged_in.get(HOURS_PAGE).get_data(as_text=True)
    assert "1 møde ligger i fraværet" in page
    warning = page[page.index("Møder i fraværet") :]
    assert reference in warning
    [absence] = _absences(db)
    assert absence.start_at == NOW + timedelta(days=1)  # 08:00 local = 07:00 UTC


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {
                "start_date": THURSDAY,
                "start_time": "12:00",
                "end_date": THURSDAY,
                "end_time": "09:00",
            },
            "slutte efter",
        ),
        ({"start_date": "26-11-2026", "start_time": "12:00", "end_date": THURSDAY}, "Skriv dato"),
        ({"start_date": "", "end_date": ""}, "Skriv dato"),
        ({"start_date": "2026-11-01", "end_date": "2026-11-02"}, "i fortiden"),
        ({"start_date": THURSDAY, "end_date": "2026-11-27", "reason": "x" * 201}, "højst være 200"),
    ],
)
def test_a_bad_absence_is_refused_and_nothing_is_written(
    logged_in: FlaskClient, db, form: dict[str, str], message: str
) -> None:
    response = post(logged_in, "/caseworker/availability/absences", form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _absences(db) == []


def test_an_absence_given_by_dates_alone_covers_whole_days(logged_in: FlaskClient, db) -> None:
    form = {"start_date": THURSDAY, "end_date": "2026-11-27"}
    assert post(logged_in, "/caseworker/availability/absences", form).status_code == 302
    [absence] = _absences(db)
    # Thursday 00:00 to Saturday 00:00 in Copenhagen (UTC+1 in November).
    assert absence.start_at.isoformat() == "2026-11-25T23:00:00+00:00"
    assert absence.end_at.isoformat() == "2026-11-27T23:00:00+00:00"
    assert _slots(logged_in, "2026-11-27") == []


def test_an_absence_can_be_removed_but_not_someone_elses(
    app: Flask, logged_in: FlaskClient, db
) -> None:
    with db.transaction() as session:
        mine = Absence(
            caseworker_id=caseworker(session).id, start_at=NOW, end_at=NOW + timedelta(days=1)
        )
        theirs = Absence(
            caseworker_id=caseworker(session, "lars.nielsen@example.dk").id,
            start_at=NOW,
            end_at=NOW + timedelta(days=1),
        )
        session.add_all([mine, theirs])
        session.flush()
        mine_id, theirs_id = mine.id, theirs.id
    assert (
        post(logged_in, f"/caseworker/availability/absences/{theirs_id}/delete").status_code == 404
    )
    assert post(logged_in, f"/caseworker/availability/absences/{mine_id}/delete").status_code == 302
    assert [a.id for a in _absences(db)] == [theirs_id]


def test_the_feed_url_is_shown_once_works_and_can_be_revoked(logged_in: FlaskClient, db) -> None:
    page = logged_in.get("/caseworker/subscription").get_data(as_text=True)
    assert "Abonnementet er slået fra" in page
    response = post(
        logged_in, "/caseworker/subscription/rotate", token_from="/caseworker/subscription"
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    url = re.search(
        r'id="feed-url" type="text" readonly value="([^"]+)"', response.get_data(as_text=True)
    ).group(1)
    path = url.removeprefix("http://localhost")
    assert path.startswith("/calendar/") and path.endswith(".ics")
    assert logged_in.get(path).status_code == 200
    again = logged_in.get("/caseworker/subscription").get_data(as_text=True)
    assert url not in again and "Abonnementet er slået til" in again

    post(logged_in, "/caseworker/subscription/rotate", token_from="/caseworker/subscription")
    assert logged_in.get(path).status_code == 404  # the old URL stopped working

    assert (
        post(
            logged_in, "/caseworker/subscription/revoke", token_from="/caseworker/subscription"
        ).status_code
        == 302
    )
    with db.transaction() as session:
        assert caseworker(session).calendar_feed_token_hash is None
