"""The caseworker's day, calendar feed and meeting page: details, start, cancel, move, marks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import Absence, Booking, OutboxMessage
from tests.support.clock import Clock
from tests.support.staff import NOW, add_outbox, caseworker, make_booking, post


def _wait(client: FlaskClient, clock: Clock, minutes: int) -> None:
    """Let time pass while the caseworker keeps working (so the idle timeout does not hit)."""
    for _ in range(minutes // 20):
        clock.advance(minutes=20)
        assert client.get("/caseworker/calendar").status_code == 200
    clock.advance(minutes=minutes % 20)


def _booking(db, reference: str) -> Booking:
    with db.transaction() as session:
        booking = session.scalar(select(Booking).where(Booking.reference == reference))
        assert booking is not None
        return booking


def _outbox_kinds(db, reference: str) -> list[tuple[str, str]]:
    with db.transaction() as session:
        booking_id = session.scalar(select(Booking.id).where(Booking.reference == reference))
        rows = session.execute(
            select(OutboxMessage.kind, OutboxMessage.status).where(
                OutboxMessage.booking_id == booking_id
            )
        ).all()
    return [(k, s) for k, s in rows]


def test_the_meeting_page_shows_the_citizen_consents_and_notifications(
    logged_in: FlaskClient, db
) -> None:
    reference = make_booking(db)
    add_outbox(db, reference, status="sent", delivery_status="delivered")
    add_outbox(db, reference, status="failed")
    page = logged_in.get(f"/caseworker/meetings/{reference}").get_data(as_text=True)
    for text in ("Karen Borger", "+4512345678", "karen@example.dk", "Samtale med Jobcenter"):
        assert text in page
    assert "v1 (da)" in page  # the booking consent and its text version
    assert "Sendt" in page and "Fejlet" in page and "row--failed" in page
    assert "10.00" in page  # 09:00 UTC shown in Copenhagen time, written the Danish way
    assert f"/caseworker/meetings/{reference}/start" in page


def test_today_lists_meetings_in_order_highlights_the_next_and_flags_failures(
    logged_in: FlaskClient, db
) -> None:
    late = make_booking(db, start=NOW + timedelta(hours=5), citizen_name="Sidste Borger")
    early = make_booking(db, start=NOW + timedelta(hours=1), citizen_name="Første Borger")
    make_booking(db, start=NOW + timedelta(days=1), citizen_name="I morgen")
    add_outbox(db, late, status="sent", delivery_status="undelivered")
    page = logged_in.get("/caseworker/").get_data(as_text=True)
    assert page.index("Første Borger") < page.index("Sidste Borger")
    assert "I morgen" not in page
    next_section = page[page.index("next-heading") : page.index("list-heading")]
    assert "Første Borger" in next_section
    assert f"/caseworker/meetings/{early}/start" in next_section
    assert page.count("Besked fejlede") == 1
    late_item = page[page.index("Sidste Borger") - 400 : page.index("Sidste Borger") + 400]
    assert "Besked fejlede" in late_item


def test_a_finished_meeting_is_not_the_next_one(logged_in: FlaskClient, db, clock: Clock) -> None:
    make_booking(db, start=NOW + timedelta(minutes=30), citizen_name="Første Borger")
    make_booking(db, start=NOW + timedelta(hours=3), citizen_name="Anden Borger")
    _wait(logged_in, clock, 61)
    page = logged_in.get("/caseworker/").get_data(as_text=True)
    next_section = page[page.index("next-heading") : page.index("list-heading")]
    assert "Anden Borger" in next_section and "Første Borger" not in next_section


def test_the_events_feed_has_meetings_working_hours_and_absences_in_local_time(
    logged_in: FlaskClient, db
) -> None:
    reference = make_booking(db)
    with db.transaction() as session:
        cw = caseworker(session)
        session.add(
            Absence(
                caseworker_id=cw.id,
                start_at=NOW + timedelta(days=1),
                end_at=NOW + timedelta(days=1, hours=3),
                reason="Kursus",
            )
        )
    events = logged_in.get(
        "/caseworker/events.json?start=2026-11-23T00:00:00&end=2026-11-30T00:00:00"
        "&timeZone=Europe%2FCopenhagen"
    ).get_json()
    meeting = next(e for e in events if e.get("id") == reference)
    assert meeting["start"] == "2026-11-25T10:00" and meeting["end"] == "2026-11-25T10:30"
    assert meeting["url"].endswith(f"/caseworker/meetings/{reference}")
    assert "Karen" not in str(events)
    absence = next(e for e in events if "absence" in e["classNames"])
    assert absence["start"] == "2026-11-26T08:00" and "Kursus" in absence["title"]
    hours = [e for e in events if e.get("display") == "background"]
    # Mon-Thu two intervals, Friday one, weekend none.
    assert len(hours) == 9
    assert {"start": "2026-11-27T08:30", "end": "2026-11-27T13:00"}.items() <= next(
        h for h in hours if h["start"].startswith("2026-11-27")
    ).items()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?start=yesterday&end=2026-11-30",
        "?start=2026-11-30T00:00:00&end=2026-11-23T00:00:00",
        "?start=2026-01-01T00:00:00&end=2026-12-31T00:00:00",
    ],
)
def test_a_bad_events_range_gets_a_clear_400(logged_in: FlaskClient, query: str) -> None:
    response = logged_in.get(f"/caseworker/events.json{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"]


def test_starting_a_meeting_opens_the_meeting_page_as_moderator(logged_in: FlaskClient, db) -> None:
    reference = make_booking(db, start=NOW + timedelta(minutes=5))
    response = logged_in.get(f"/caseworker/meetings/{reference}/start")
    assert response.status_code == 200
    assert response.headers["X-Meeting-State"] == "open"
    assert "frame-src https://meet.test.invalid" in response.headers["Content-Security-Policy"]


def test_cancelling_needs_a_reason_and_notifies_the_citizen(logged_in: FlaskClient, db) -> None:
    reference = make_booking(db)
    response = post(logged_in, f"/caseworker/meetings/{reference}/cancel", {"reason": "  "})
    assert response.status_code == 422
    assert "Skriv en årsag" in response.get_data(as_text=True)
    assert _booking(db, reference).status == "confirmed"

    response = post(logged_in, f"/caseworker/meetings/{reference}/cancel", {"reason": "Syg"})
    assert response.status_code == 302
    booking = _booking(db, reference)
    assert (booking.status, booking.cancel_reason, booking.cancelled_by) == (
        "cancelled",
        "Syg",
        "caseworker",
    )
    assert ("cancellation", "pending") in _outbox_kinds(db, reference)


def test_cancelling_twice_is_a_clear_conflict(logged_in: FlaskClient, db) -> None:
    reference = make_booking(db, status="cancelled")
    response = post(logged_in, f"/caseworker/meetings/{reference}/cancel", {"reason": "Igen"})
    assert response.status_code == 409
    assert "allerede aflyst" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("date", "time", "message"),
    [
        ("", "10:00", "Skriv dato og klokkeslæt"),
        ("2026-11-26", "25:00", "Skriv dato og klokkeslæt"),
        ("2026-11-24", "10:00", "passeret"),
        ("2026-11-28", "10:00", "ledige tider"),  # a Saturday: nobody works
    ],
)
def test_moving_to_a_bad_time_is_refused_and_nothing_changes(
    logged_in: FlaskClient, db, date: str, time: str, message: str
) -> None:
    reference = make_booking(db)
    response = post(
        logged_in, f"/caseworker/meetings/{reference}/move", {"date": date, "time": time}
    )
    assert response.status_code in (409, 422)
    assert message in response.get_data(as_text=True)
    assert _booking(db, reference).start_at == NOW + timedelta(hours=2)
    assert _outbox_kinds(db, reference) == []


def test_moving_a_meeting_changes_the_time_and_notifies_the_citizen(
    logged_in: FlaskClient, db
) -> None:
    reference = make_booking(db)
    response = post(
        logged_in,
        f"/caseworker/meetings/{reference}/move",
        {"date": "2026-11-26", "time": "10:00"},
    )
    assert response.status_code == 302
    booking = _booking(db, reference)
    assert booking.start_at == NOW + timedelta(days=1, hours=2)
    assert booking.sequence == 1
    assert any(kind == "change" for kind, _ in _outbox_kinds(db, reference))


def test_no_show_and_completed_only_once_the_meeting_has_started(
    logged_in: FlaskClient, db, clock: Clock
) -> None:
    first = make_booking(db, start=NOW + timedelta(minutes=30))
    second = make_booking(db, start=NOW + timedelta(hours=3))
    response = post(logged_in, f"/caseworker/meetings/{first}/no-show")
    assert response.status_code == 409 and "ikke begyndt" in response.get_data(as_text=True)
    assert _booking(db, first).status == "confirmed"
    _wait(logged_in, clock, 4 * 60)
    assert post(logged_in, f"/caseworker/meetings/{first}/no-show").status_code == 302
    assert post(logged_in, f"/caseworker/meetings/{second}/completed").status_code == 302
    assert _booking(db, first).status == "no_show"
    assert _booking(db, second).status == "completed"
    again = post(logged_in, f"/caseworker/meetings/{first}/completed")
    assert again.status_code == 409 and _booking(db, first).status == "no_show"


def test_the_private_note_is_saved_and_a_too_long_one_refused(logged_in: FlaskClient, db) -> None:
    reference = make_booking(db)
    assert (
        post(logged_in, f"/caseworker/meetings/{reference}/note", {"note": "Husk tolk"}).status_code
        == 302
    )
    assert _booking(db, reference).caseworker_note == "Husk tolk"
    response = post(logged_in, f"/caseworker/meetings/{reference}/note", {"note": "x" * 6000})
    assert response.status_code == 422 and "for lang" in response.get_data(as_text=True)
    assert _booking(db, reference).caseworker_note == "Husk tolk"
