"""Who may see what in the caseworker workspace: anonymous, own, other caseworker, admin."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import AuditEvent, Booking, User
from tests.support.staff import login, make_booking, make_user, post

PAGES = [
    "/caseworker/",
    "/caseworker/calendar",
    "/caseworker/availability",
    "/caseworker/subscription",
    "/caseworker/events.json?start=2026-11-23T00:00:00&end=2026-11-30T00:00:00",
]


@pytest.fixture
def world(db, staff: int) -> dict[str, str]:
    make_user(db, email="lars.nielsen@example.dk", caseworker_email="lars.nielsen@example.dk")
    make_user(db, email="admin@example.dk", role="admin", caseworker_email=None)
    return {
        "mine": make_booking(db),
        "theirs": make_booking(db, caseworker_email="lars.nielsen@example.dk"),
    }


@pytest.mark.parametrize("path", PAGES + ["/caseworker/meetings/ABCD-EFGH", "/admin/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", PAGES)
def test_an_admin_without_a_caseworker_gets_403_on_caseworker_pages(
    client: FlaskClient, world: dict[str, str], path: str
) -> None:
    login(client, "admin@example.dk")
    assert client.get(path).status_code == 403


def test_a_caseworker_gets_403_on_admin_pages(client: FlaskClient, world: dict[str, str]) -> None:
    login(client)
    assert client.get("/admin/").status_code == 403
    assert post(client, "/admin/users", {"email": "x@example.dk"}).status_code == 403


def test_another_caseworkers_meeting_answers_404(
    client: FlaskClient, world: dict[str, str]
) -> None:
    login(client)
    theirs = world["theirs"]
    assert client.get(f"/caseworker/meetings/{world['mine']}").status_code == 200
    assert client.get(f"/caseworker/meetings/{theirs}").status_code == 404
    assert client.get(f"/caseworker/meetings/{theirs}/start").status_code == 404


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("cancel", {"reason": "Syg / ill"}),
        ("move", {"date": "2026-11-26", "time": "10:00"}),
        ("no-show", {}),
        ("completed", {}),
        ("note", {"note": "hemmelig"}),
    ],
)
def test_a_caseworker_cannot_change_another_caseworkers_meeting(
    client: FlaskClient, db, world: dict[str, str], action: str, data: dict[str, str]
) -> None:
    login(client)
    theirs = world["theirs"]
    response = post(client, f"/caseworker/meetings/{theirs}/{action}", data)
    assert response.status_code == 404
    with db.transaction() as session:
        booking = session.scalar(select(Booking).where(Booking.reference == theirs))
        assert booking.status == "confirmed" and booking.caseworker_note is None
        assert booking.start_at.isoformat() == "2026-11-25T09:00:00+00:00"


def test_the_calendar_feed_shows_only_own_meetings(
    client: FlaskClient, world: dict[str, str]
) -> None:
    login(client)
    events = client.get(PAGES[-1]).get_json()
    ids = {e.get("id") for e in events}
    assert world["mine"] in ids and world["theirs"] not in ids


def test_viewing_a_meeting_is_written_to_the_audit_log_without_personal_data(
    client: FlaskClient, db, world: dict[str, str]
) -> None:
    login(client)
    client.get(f"/caseworker/meetings/{world['mine']}")
    with db.transaction() as session:
        user_id = session.scalar(select(User.id).where(User.email == "mette.jensen@example.dk"))
        booking_id = session.scalar(select(Booking.id).where(Booking.reference == world["mine"]))
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "booking.view")
        ).all()
    assert [(e.actor_type, e.actor_id, e.booking_id) for e in events] == [
        ("user", str(user_id), booking_id)
    ]
    assert "Karen" not in str(events[0].detail)


def test_the_today_list_is_audited_per_meeting_shown(
    client: FlaskClient, db, world: dict[str, str]
) -> None:
    login(client)
    assert "Karen Borger" in client.get("/caseworker/").get_data(as_text=True)
    with db.transaction() as session:
        listed = session.scalars(
            select(AuditEvent.booking_id).where(AuditEvent.action == "booking.list")
        ).all()
    assert len(listed) == 1


def test_a_change_without_a_csrf_token_is_refused_and_changes_nothing(
    client: FlaskClient, db, world: dict[str, str]
) -> None:
    login(client)
    response = client.post(f"/caseworker/meetings/{world['mine']}/cancel", data={"reason": "x"})
    assert response.status_code == 400
    with db.transaction() as session:
        booking = session.scalar(select(Booking).where(Booking.reference == world["mine"]))
        assert booking.status == "confirmed"
