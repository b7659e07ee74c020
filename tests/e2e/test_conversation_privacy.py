"""What citizens tell the assistant, as stored and logged by the running stack.

Rasa (started by `bot/serve rasa` with the repository's endpoints.yml) keeps conversations in
the RedactingTrackerStore's SQLite file; after every turn the whole database is read raw,
every table and column, for the personal values typed in the chat.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow

NAME = "Karen Lund"
TYPED_PHONE, PHONE = "31 41 59 26", "+4531415926"
EMAIL = "karen.lund@example.dk"
CPR = "010190-1234"
PERSONAL = [NAME, "Karen", "Lund", TYPED_PHONE, PHONE, "31415926", EMAIL, CPR, "0101901234"]


def raw_dump(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return "\n".join(
            repr(row) for table in tables for row in connection.execute(f"SELECT * FROM {table}")
        )


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
    logs = assistant.logs()
    web_log = booking_service.log_path.read_text()
    # the console SMS backend's lines are the SMS themselves (development delivery), not a log
    web_lines = [ln for ln in web_log.splitlines() if not ln.startswith("[SMS to ")]
    everything = logs + "\n".join(web_lines)
    assert not found(PERSONAL, everything), found(PERSONAL, everything)
    assert token not in everything
    assert any(f"/booking/{booked['reference']} " in ln for ln in web_lines), web_lines[-5:]
    worker_log = (assistant.log_dir / "worker.log").read_text()
    assert "sent" in worker_log or "message" in worker_log, worker_log
