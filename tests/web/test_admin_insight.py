"""The admin insight page: access, CSRF, bookings per week with their rates, the phrases the
assistant understood badly (only from kept conversations, never personal data), and adding one
as an example."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking import assistant
from booking.db import Database
from tests.support.clock import NOW
from tests.support.conversations import tracker_store
from tests.support.insight import add_messages, parsed
from tests.support.staff import make_booking, post

FALLBACK = "nlu_fallback"


@pytest.fixture
def tracker_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'conversations.db'}"


@pytest.fixture
def app_settings(tracker_url: str) -> dict[str, Any]:
    return {"TRACKER_STORE_URL": tracker_url}


@pytest.fixture
def conversations(tracker_url: str) -> None:
    """Two kept conversations, one whose transcript ended and one never kept."""
    store = tracker_store(tracker_url)
    kept = NOW + timedelta(days=10)
    unclear = parsed("kan jeg få en hund", FALLBACK, 0.7, (FALLBACK, 0.7), ("faq/cost", 0.2))
    unsure = parsed("hvad koster parkering", "faq/cost", 0.45)
    sure = parsed("hej", "greet", 0.99)
    personal = parsed("jeg hedder [navn]", FALLBACK, 0.7)
    payload = parsed("/book_meeting", FALLBACK, 0.7)
    at = NOW - timedelta(days=1)
    add_messages(
        store, "a", [unclear, unclear, unsure, sure, personal, payload], at=at, keep_until=kept
    )
    add_messages(store, "b", [unclear, unsure], at=at, keep_until=kept)
    add_messages(
        store,
        "ended",
        [parsed("secret ended", FALLBACK, 0.7)],
        at=at,
        keep_until=NOW - timedelta(hours=1),
    )
    add_messages(store, "never", [parsed("secret never", FALLBACK, 0.7)], at=at, keep_until=None)
    old = parsed("secret old", FALLBACK, 0.7)
    add_messages(store, "old", [old], at=NOW - timedelta(days=40), keep_until=kept)
    store.engine.dispose()


def _phrase_rows(page: str) -> dict[str, str]:
    """Phrase text → its count, from the page's phrase tables."""
    found = re.findall(r'<th scope="row" id="(\w+)-\d+-text">([^<]+)</th>\s*<td>(\d+)</td>', page)
    return {f"{kind}:{text}": count for kind, text, count in found}


def test_a_caseworker_is_refused_and_a_visitor_sent_to_the_login(
    logged_in: FlaskClient, app: Flask
) -> None:
    assert logged_in.get("/admin/insight").status_code == 403
    assert post(logged_in, "/admin/insight/examples", {"text": "x"}).status_code == 403
    response = app.test_client().get("/admin/insight")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_form_needs_the_csrf_token(admin: FlaskClient, db: Database) -> None:
    admin.get("/admin/insight")  # the content is imported
    data = {"text": "kan jeg få en hund", "intent": "faq/cost", "language": "da"}
    assert admin.post("/admin/insight/examples", data=data).status_code == 400
    assert "kan jeg få en hund" not in _examples(db, "faq/cost")["da"]


def test_bookings_per_week_count_cancellations_and_no_shows(admin: FlaskClient, db: Database):
    last_week = NOW - timedelta(days=7)
    for status in ("completed", "completed", "no_show", "cancelled"):
        make_booking(db, start=last_week, status=status)
    make_booking(db, start=NOW + timedelta(days=1))
    make_booking(db, start=NOW - timedelta(weeks=20))  # outside the 8 weeks
    page = admin.get("/admin/insight?lang=en").get_data(as_text=True)
    week = last_week.isocalendar().week
    this_week = NOW.isocalendar().week
    row = re.search(
        rf'<th scope="row">Meeting with the jobcentre</th><td>Week {week}</td><td>4</td>'
        r"<td>(\d+)%</td><td>(\d+)%</td>",
        page,
    )
    assert row is not None, page
    assert row.groups() == ("25", "33")  # 1 of 4 cancelled; 1 of the 3 held was a no-show
    assert re.search(rf"<td>Week {this_week}</td><td>1</td>", page)
    totals = re.search(
        r'<th scope="row">Meeting with the jobcentre</th><td>5</td><td>20%</td><td>25%</td>', page
    )
    assert totals is not None
    assert 'role="img" aria-label="Bookings per week and meeting type"' in page
    assert 'aria-describedby="bookings-per-week-table-note"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page


@pytest.mark.usefixtures("conversations")
def test_the_phrases_come_only_from_kept_recent_conversations_without_personal_data(
    admin: FlaskClient,
) -> None:
    page = admin.get("/admin/insight").get_data(as_text=True)
    rows = _phrase_rows(page)
    assert rows == {"fallback:kan jeg få en hund": "3", "unsure:hvad koster parkering": "2"}
    assert "secret" not in page and "[navn]" not in page and "/book_meeting" not in page
    # the nearest intent is preselected: the best one that is not the fallback
    assert re.search(r'<option value="faq/cost" selected>', page)


def test_the_page_works_without_a_tracker_database(admin: FlaskClient) -> None:
    page = admin.get("/admin/insight")
    assert page.status_code == 200
    assert "Ingen i denne periode." in page.get_data(as_text=True)


def _examples(db: Database, name: str) -> dict[str, list[str]]:
    with db.transaction() as session:
        return assistant.snapshot(assistant.get_intent(session, name))["examples"]


@pytest.mark.usefixtures("conversations")
def test_one_click_adds_the_phrase_as_an_example_with_its_history(
    admin: FlaskClient, db: Database
) -> None:
    data = {"text": "kan jeg få en hund", "intent": "faq/cost", "language": "da"}
    response = post(admin, "/admin/insight/examples", data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/insight")
    assert "kan jeg få en hund" in _examples(db, "faq/cost")["da"]
    with db.transaction() as session:
        change = assistant.history(session, name="faq/cost")[0]
        assert change.action == "examples.update" and change.user.email == "admin@example.dk"
        assert "kan jeg få en hund" not in change.before["examples"]["da"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "kan jeg få en hund", "intent": "no_such", "language": "da"}, "Vælg en af"),
        (
            {"text": "kan jeg få en hund", "intent": "faq/cost", "language": "de"},
            "dansk eller engelsk",
        ),
        (
            {"text": "jeg hedder [navn]", "intent": "faq/cost", "language": "da"},
            "personoplysninger",
        ),
        ({"text": "åbningstider", "intent": "faq/cost", "language": "da"}, "allerede et eksempel"),
        ({"text": "hej chat", "intent": "faq/cost", "language": "da"}, "testformuleringer"),
    ],
)
def test_a_refused_phrase_shows_the_page_again_with_why(
    admin: FlaskClient, db: Database, data: dict[str, str], message: str
) -> None:
    before = _examples(db, "faq/cost") if admin.get("/admin/insight").status_code == 200 else None
    response = post(admin, "/admin/insight/examples", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'href="#form"' in page
    assert _examples(db, "faq/cost") == before
