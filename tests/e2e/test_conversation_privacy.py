"""What citizens tell the assistant, as stored and logged by the running stack.

Rasa (started by `bot/serve rasa` with the repository's endpoints.yml) keeps conversations in
the RedactingTrackerStore's SQLite file; after every turn the whole database is read raw,
every table and column, for the personal values typed in the chat.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest
import requests

from tests.e2e.stack import TRANSCRIPT_KEPT_SECONDS

pytestmark = pytest.mark.slow

NAME = "Karen Lund"
TYPED_PHONE, PHONE = "31 41 59 26", "+4531415926"
EMAIL = "karen.lund@example.dk"
CPR = "010190-1234"
PERSONAL = [NAME, "Karen", "Lund", TYPED_PHONE, PHONE, "31415926", EMAIL, CPR, "0101901234"]


# A Fernet token (the sealed copy of a form's values) is URL-safe base64 of ciphertext: it can
# contain "Lund" or "Karen" by chance, which is not clear text. Tokens start with version 0x80.
FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-]+=*")


def raw_dump(database: Path) -> str:
    """Every row of every table, with Fernet ciphertext replaced by a marker."""
    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        dump = "\n".join(
            repr(row) for table in tables for row in connection.execute(f"SELECT * FROM {table}")
        )
    return FERNET_TOKEN.sub("<sealed>", dump)


def rows(database: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, args).fetchall()


def found(values: list[str], text: str) -> list[str]:
    return [v for v in values if v.lower() in text.lower()]


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons", [])]


def text(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


@pytest.fixture(scope="module")
def booked(assistant, booking_service) -> dict[str, str]:
    """A booking made in the chat; the tracker database is checked after every turn."""
    sender = "e2e-privacy-1"
    checks: list[str] = []

    def say(message: str) -> list[dict]:
        replies = assistant.say(sender, message)
        checks.append(raw_dump(assistant.tracker_db))
        return replies

    say(f"hej, mit cpr-nummer er {CPR}")
    replies = say("jeg vil gerne booke et videomøde med jobcentret")
    times = [b for b in buttons(replies) if "meeting_time" in b["payload"]]
    if not times:  # the service was not recognised: pick it
        service = {b["title"]: b["payload"] for b in buttons(replies)}["Jobcenter"]
        times = [b for b in buttons(say(service)) if "meeting_time" in b["payload"]]
    assert times, replies
    assert "navn" in text(say(times[0]["payload"]))
    assert "mobilnummer" in text(say(NAME))
    # during the form the values are available to the assistant (restored from the sealed copy)
    during = assistant.tracker(sender)
    assert during["slots"]["citizen_name"] == NAME
    assert "e-mail" in text(say(TYPED_PHONE))
    say(EMAIL)
    confirmation = text(say("ja"))
    assert "Dit videomøde er booket" in confirmation, confirmation
    reference = confirmation.split("Reference: ")[1].split()[0]
    # the worker sends the confirmation (SMS, e-mail): its log is read in the last test
    booking_service.run_worker_once(assistant.log_dir / "worker.log")
    return {"sender": sender, "reference": reference, "checks": json.dumps(checks)}


def test_rasa_loaded_the_configured_redacting_tracker_store(assistant, booked):
    tables = {name for (name,) in rows(assistant.tracker_db, "SELECT name FROM sqlite_master")}
    assert {"events", "sealed_events", "conversation_transcripts"} <= tables
    assert (
        rows(
            assistant.tracker_db,
            "SELECT count(*) FROM events WHERE sender_id = ?",
            booked["sender"],
        )[0][0]
        > 10
    )
    rasa_log = (assistant.log_dir / "rasa.log").read_text()
    assert "InMemoryTrackerStore" not in rasa_log and "Tracker store with type" not in rasa_log


def test_no_personal_value_is_stored_in_clear_during_or_after_the_form(assistant, booked):
    for dump in [*json.loads(booked["checks"]), raw_dump(assistant.tracker_db)]:
        assert not found(PERSONAL, dump), found(PERSONAL, dump)
    # the flow ended: no encrypted original is left either
    sealed = rows(
        assistant.tracker_db,
        "SELECT count(*) FROM sealed_events WHERE sender_id = ?",
        booked["sender"],
    )
    assert sealed[0][0] == 0


def test_the_conversation_still_reads_sensibly_for_insight(assistant, booked):
    tracker = assistant.tracker(booked["sender"])
    user_texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert "[navn]" in user_texts and "[telefon]" in user_texts
    assert "[e-mail]" in user_texts and "hej, mit cpr-nummer er [cpr]" in user_texts
    intents = [e["parse_data"]["intent"]["name"] for e in tracker["events"] if e["event"] == "user"]
    assert "book_meeting" in intents
    assert tracker["slots"]["booking_reference"] == booked["reference"]


def test_the_lookup_code_and_manage_token_never_reach_the_database(
    assistant, booking_service, booked
):
    sender = "e2e-privacy-2"
    assistant.say(sender, "jeg vil gerne aflyse mit møde")
    assistant.say(sender, f"den er {booked['reference']}")
    assistant.say(sender, TYPED_PHONE)
    code = booking_service.last_code_sent_to(PHONE)
    replies = assistant.say(sender, code)
    assert booked["reference"] in text(replies), replies
    token = assistant.tracker(sender)["slots"]["manage_token"]
    assert token and len(token) > 20
    dump = raw_dump(assistant.tracker_db)
    assert token not in dump and not re.search(rf"(?<!\d){code}(?!\d)", dump)
    assert "[kode]" in dump
    assistant.say(sender, "nej")  # keep the booking


def test_erasing_the_booking_deletes_the_conversation_it_was_made_in(
    assistant, booking_service, booked
):
    sender = booked["sender"]
    assert rows(assistant.tracker_db, "SELECT count(*) FROM events WHERE sender_id = ?", sender)[0][
        0
    ]
    token = booking_service.manage_token(booked["reference"], PHONE)
    erased = booking_service.post(
        f"/bookings/{booked['reference']}/erase", headers={"X-Manage-Token": token}
    )
    assert erased.status_code == 200, erased.text
    for table in ("events", "sealed_events", "conversation_transcripts"):
        assert (
            rows(assistant.tracker_db, f"SELECT count(*) FROM {table} WHERE sender_id = ?", sender)[
                0
            ][0]
            == 0
        )


def test_the_logs_of_a_booking_conversation_hold_no_personal_value(
    assistant, booking_service, booked
):
    # the manage link as a citizen opens it: the token is in the query string
    web = booking_service.base_url.removesuffix("/api/v1")
    token = "t0kenInTheQuery-" + "x" * 30
    requests.get(
        f"{web}/booking/{booked['reference']}?token={token}", timeout=10, allow_redirects=False
    )
    access_line = f"/booking/{booked['reference']} "
    # gunicorn writes the access line after the response: wait for it rather than race it
    deadline = time.monotonic() + 10
    while access_line not in booking_service.log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    logs = assistant.logs()
    web_log = booking_service.log_path.read_text()
    # the console SMS backend's lines are the SMS themselves (development delivery), not a log
    web_lines = [ln for ln in web_log.splitlines() if not ln.startswith("[SMS to ")]
    everything = logs + "\n".join(web_lines)
    assert not found(PERSONAL, everything), found(PERSONAL, everything)
    assert token not in everything
    assert any(access_line in ln for ln in web_lines), web_lines[-5:]
    worker_log = (assistant.log_dir / "worker.log").read_text()
    assert "sent" in worker_log or "message" in worker_log, worker_log


def test_with_transcript_consent_the_conversation_is_kept_until_its_retention_ends(
    assistant, booking_service
):
    """The widget's switch sends /keep_transcript: the consent is shown, recorded with its text
    version on the booking, the conversation's values stay (encrypted, never in clear text) after
    the flow, and are gone once the retention period (shortened in the test stack) has passed."""
    sender = "e2e-privacy-transcript"
    name, typed_phone, phone = "Birthe Holm", "22 33 44 55", "+4522334455"
    shown = text(assistant.say(sender, "/keep_transcript"))
    assert "gemme min samtale" in shown, shown
    replies = assistant.say(sender, "jeg vil gerne booke et videomøde med jobcentret")
    times = [b for b in buttons(replies) if "meeting_time" in b["payload"]]
    if not times:
        service = {b["title"]: b["payload"] for b in buttons(replies)}["Jobcenter"]
        times = [
            b for b in buttons(assistant.say(sender, service)) if "meeting_time" in b["payload"]
        ]
    assert times, replies
    assistant.say(sender, times[0]["payload"])
    assistant.say(sender, name)
    assistant.say(sender, typed_phone)
    assistant.say(sender, "spring over")
    confirmation = text(assistant.say(sender, "ja"))
    assert "Dit videomøde er booket" in confirmation, confirmation
    reference = confirmation.split("Reference: ")[1].split()[0]

    # recorded like every other consent, with the version of the text shown
    consents = rows(
        booking_service.database,
        "SELECT c.purpose, c.text_version FROM consent_records c "
        "JOIN bookings b ON b.id = c.booking_id WHERE b.reference = ?",
        reference,
    )
    versions = dict(consents)
    assert versions.get("chat_transcript", 0) >= 1 and "booking" in versions, consents

    # after the flow the transcript is kept: readable by Rasa, never in clear text at rest
    user_texts = [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert name in user_texts, user_texts
    assert not found([name, typed_phone, phone], raw_dump(assistant.tracker_db))
    kept = rows(
        assistant.tracker_db, "SELECT count(*) FROM sealed_events WHERE sender_id = ?", sender
    )
    assert kept[0][0] > 0

    # once the retention has passed, any save sweeps it: only placeholders are left
    deadline = time.monotonic() + TRANSCRIPT_KEPT_SECONDS + 60
    while time.monotonic() < deadline:
        assistant.say("e2e-privacy-sweeper", "hej")
        left = rows(
            assistant.tracker_db, "SELECT count(*) FROM sealed_events WHERE sender_id = ?", sender
        )
        if left[0][0] == 0:
            break
        time.sleep(2)
    assert left[0][0] == 0, "the transcript outlived its retention period"
    user_texts = [e["text"] for e in assistant.tracker(sender)["events"] if e["event"] == "user"]
    assert name not in user_texts and "[navn]" in user_texts, user_texts


def test_a_citizen_erases_their_data_in_the_chat(assistant, booking_service):
    """Verified by reference, phone and SMS code, then confirmed: the booking's personal data and
    the conversation it was made in are deleted, as from the manage page."""
    booker, eraser = "e2e-erase-booker", "e2e-erase-chat"
    name, typed_phone, phone = "Viggo Dam", "26 27 28 29", "+4526272829"
    replies = assistant.say(booker, "jeg vil gerne booke et videomøde med jobcentret")
    times = [b for b in buttons(replies) if "meeting_time" in b["payload"]]
    if not times:
        service = {b["title"]: b["payload"] for b in buttons(replies)}["Jobcenter"]
        times = [
            b for b in buttons(assistant.say(booker, service)) if "meeting_time" in b["payload"]
        ]
    assistant.say(booker, times[0]["payload"])
    assistant.say(booker, name)
    assistant.say(booker, typed_phone)
    assistant.say(booker, "spring over")
    confirmation = text(assistant.say(booker, "ja"))
    reference = confirmation.split("Reference: ")[1].split()[0]

    assistant.say(eraser, "jeg vil have slettet mine oplysninger")
    assistant.say(eraser, reference)
    assistant.say(eraser, typed_phone)
    question = text(assistant.say(eraser, booking_service.last_code_sent_to(phone)))
    assert "slettet" in question and reference in question, question
    done = text(assistant.say(eraser, "ja"))
    assert f"Dine oplysninger til booking {reference} er slettet" in done, done

    stored = rows(
        booking_service.database,
        "SELECT status, citizen_name, citizen_phone FROM bookings WHERE reference = ?",
        reference,
    )
    assert stored and stored[0][0] == "cancelled" and name not in repr(stored), stored
    left = rows(assistant.tracker_db, "SELECT count(*) FROM events WHERE sender_id = ?", booker)
    assert left[0][0] == 0
    anonymised = rows(
        booking_service.database,
        "SELECT anonymised_at FROM bookings WHERE reference = ?",
        reference,
    )
    assert anonymised[0][0] is not None


def test_the_privacy_answer_names_the_privacy_notice_and_how_to_erase(assistant):
    answer = text(assistant.say("e2e-privacy-question", "hvad gør I med mine oplysninger"))
    assert "/privacy" in answer and "slet mine oplysninger" in answer, answer
