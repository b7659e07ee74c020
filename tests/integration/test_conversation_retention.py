"""Retention reaches the assistant's conversations: the daily purge deletes what is too old."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from booking.db import Database
from booking.models import Booking
from booking.privacy import ConversationStore, apply_retention
from tests.support.conversations import add_conversation, rows_of, tracker_store
from tests.support.factories import make_booking, make_caseworker, make_service

NOW = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


def test_conversations_older_than_their_retention_are_deleted_unless_a_transcript_is_kept(
    tmp_path: Path,
) -> None:
    store = tracker_store(f"sqlite:///{tmp_path / 'conversations.db'}", retention_days=30)
    add_conversation(store, "old", last_event_at=NOW - timedelta(days=31))
    add_conversation(store, "recent", last_event_at=NOW - timedelta(days=29))
    add_conversation(
        store,
        "old-with-transcript",
        last_event_at=NOW - timedelta(days=40),
        transcript_until=NOW + timedelta(days=1),
    )
    add_conversation(
        store,
        "transcript-ended",
        last_event_at=NOW - timedelta(days=40),
        transcript_until=NOW - timedelta(days=1),
    )
    assert [c.sender_id for c in store.expired(now=NOW)] == ["old", "transcript-ended"]
    assert store.purge(now=NOW) == 2
    assert rows_of(store, "old") == rows_of(store, "transcript-ended") == 0
    assert rows_of(store, "recent") == 4 and rows_of(store, "old-with-transcript") == 5
    assert store.purge(now=NOW) == 0  # nothing left to do


def test_retention_deletes_the_conversation_an_expired_booking_was_made_in(
    sqlite_url: str, tmp_path: Path
) -> None:
    database = Database(sqlite_url)
    store = tracker_store(f"sqlite:///{tmp_path / 'conversations.db'}", retention_days=365)
    meeting = NOW - timedelta(days=100)
    add_conversation(store, "booking-chat", last_event_at=meeting - timedelta(days=2))
    add_conversation(store, "unrelated", last_event_at=meeting - timedelta(days=2))
    with database.transaction() as session:
        service = make_service(session, retention_days=90)
        caseworker = make_caseworker(session, services=[service])
        booking = make_booking(session, service=service, caseworker=caseworker, start=meeting)
        booking.conversation_id = "booking-chat"
        booking_id = booking.id

    with database.transaction() as session:
        report = apply_retention(session, now=NOW, conversations=store)
    assert report.bookings_anonymised == 1 and report.conversations_deleted == 0
    assert rows_of(store, "booking-chat") == 0 and rows_of(store, "unrelated") == 4
    with database.transaction() as session:
        assert session.get(Booking, booking_id).conversation_id is None  # type: ignore[union-attr]


def test_the_dry_run_cli_lists_bookings_and_conversations_and_changes_nothing(
    build_app, sqlite_url: str, tmp_path: Path
) -> None:
    tracker_url = f"sqlite:///{tmp_path / 'conversations.db'}"
    app = build_app(sqlite_url, TRACKER_STORE_URL=tracker_url)
    app.extensions["clock"] = lambda: NOW
    store = tracker_store(tracker_url)
    add_conversation(store, "stale-chat", last_event_at=NOW - timedelta(days=45))
    add_conversation(store, "fresh-chat", last_event_at=NOW - timedelta(days=1))
    database: Database = app.extensions["database"]
    with database.transaction() as session:
        service = make_service(session, retention_days=90)
        caseworker = make_caseworker(session, services=[service])
        booking = make_booking(
            session, service=service, caseworker=caseworker, start=NOW - timedelta(days=100)
        )
        booking.conversation_id = "booking-chat"
        reference = booking.reference

    runner = app.test_cli_runner()
    result = runner.invoke(args=["retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Bookings to anonymise: 1" in result.output
    assert reference in result.output and "conversation booking-chat" in result.output
    assert "stale-chat" in result.output and "fresh-chat" not in result.output
    assert rows_of(store, "stale-chat") == 4  # nothing deleted
    with database.transaction() as session:
        assert session.get(Booking, booking.id).anonymised_at is None  # type: ignore[union-attr]

    result = runner.invoke(args=["retention"])
    assert "anonymised 1 booking(s), deleted 1 conversation(s)" in result.output
    assert rows_of(store, "stale-chat") == 0 and rows_of(store, "fresh-chat") == 4


def test_a_tracker_database_rasa_has_not_created_yet_has_no_conversations(
    tmp_path: Path,
) -> None:
    # On the very first `make run` the worker's housekeeping runs before Rasa creates its tables.
    store = ConversationStore(f"sqlite:///{tmp_path / 'conversations.db'}", retention_days=30)
    assert store.expired(now=NOW) == []
    assert store.purge(now=NOW) == 0
    assert store.delete(["someone"]) == 0
    store.end_transcript("someone")
    # once Rasa has created the tables, the same store sees what is in them
    store.create_tables()
    add_conversation(store, "old", last_event_at=NOW - timedelta(days=31))
    assert [c.sender_id for c in store.expired(now=NOW)] == ["old"]
