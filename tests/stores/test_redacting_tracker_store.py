"""RedactingTrackerStore (run in .venv-bot) on a real SQLite file, read back raw, column by column.

Trackers are built from Rasa's own events with the project's domain; the clock is passed in.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.tracker_store import RedactingTrackerStore

ROOT = Path(__file__).resolve().parents[2]
# the project's domain, plus the transcript consent slot the store honours
DOMAIN = Domain.load(str(ROOT / "domain.yml")).merge(
    Domain.from_dict(
        {"slots": {"chat_transcript": {"type": "bool", "mappings": [{"type": "custom"}]}}}
    )
)
NAME, PHONE, TYPED_PHONE, EMAIL = "Anna Jensen", "+4520123456", "20 12 34 56", "anna@example.dk"
PERSONAL = [NAME, "Anna", "Jensen", PHONE, "20123456", TYPED_PHONE, EMAIL, "anna@"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_765_000_000.0

    def __call__(self) -> float:
        return self.now


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def database(tmp_path: Path) -> Path:
    return tmp_path / "conversations.db"


@pytest.fixture()
def store(database: Path, clock: Clock) -> RedactingTrackerStore:
    return RedactingTrackerStore(
        DOMAIN, host=f"sqlite:///{database}", encryption_key=new_key(), clock=clock
    )


def raw_dump(database: Path) -> str:
    """Every value of every column of every table, as text."""
    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return "\n".join(
            repr(row) for table in tables for row in connection.execute(f"SELECT * FROM {table}")
        )


def sealed_count(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM sealed_events").fetchone()[0]


def user(text: str, intent: str = "inform") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9})


def form_turns() -> list:
    return [
        ActionExecuted("action_listen"),
        user("jeg vil booke et møde", "book_meeting"),
        ActionExecuted("booking_form"),
        ActiveLoop("booking_form"),
        SlotSet("service", "jobcenter"),
        SlotSet("requested_slot", "citizen_name"),
        BotUttered("Hvad er dit navn?"),
        ActionExecuted("action_listen"),
        user(NAME),
        SlotSet("citizen_name", NAME),
        BotUttered(f"Tak, {NAME}. Hvad er dit mobilnummer?"),
        ActionExecuted("action_listen"),
        user(f"det er {TYPED_PHONE}"),
        SlotSet("citizen_phone", PHONE),
        ActionExecuted("action_listen"),
        user(EMAIL),
        SlotSet("citizen_email", EMAIL),
    ]


def turns(events: list) -> list[list]:
    """The events split where the assistant listens, i.e. one list per processed message."""
    result: list[list] = [[]]
    for event in events:
        if isinstance(event, ActionExecuted) and event.action_name == "action_listen":
            result.append([])
        result[-1].append(event)
    return [turn for turn in result if turn]


def flow_end() -> list:
    return [
        SlotSet("citizen_name", None),
        SlotSet("citizen_phone", None),
        SlotSet("citizen_email", None),
        ActiveLoop(None),
        SlotSet("booking_reference", "K7M2-9QXD"),
        BotUttered("Dit videomøde er booket. Reference: K7M2-9QXD"),
    ]


def save(store: RedactingTrackerStore, sender: str, events: list) -> DialogueStateTracker:
    tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(sender, DOMAIN.slots)
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    return tracker


def test_during_the_form_nothing_personal_is_stored_in_clear_but_the_form_gets_its_values(
    store, database
):
    for turn in turns(form_turns()):  # saved after every turn, as Rasa saves
        save(store, "c1", turn)
        dump = raw_dump(database)
        assert not [value for value in PERSONAL if value.lower() in dump.lower()], dump
    tracker = asyncio.run(store.retrieve("c1"))
    assert tracker.get_slot("citizen_name") == NAME
    assert tracker.get_slot("citizen_phone") == PHONE
    assert tracker.get_slot("citizen_email") == EMAIL
    assert tracker.latest_message.text == EMAIL
    assert sealed_count(database) > 0


def test_once_the_flow_ends_the_originals_are_gone_and_the_story_still_reads(store, database):
    save(store, "c2", form_turns())
    save(store, "c2", flow_end())
    assert sealed_count(database) == 0
    dump = raw_dump(database)
    assert not [value for value in PERSONAL if value.lower() in dump.lower()]
    tracker = asyncio.run(store.retrieve("c2"))
    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts == ["jeg vil booke et møde", "[navn]", "det er [telefon]", "[e-mail]"]
    assert [e.intent_name for e in tracker.events if isinstance(e, UserUttered)][
        0
    ] == "book_meeting"
    assert tracker.get_slot("booking_reference") == "K7M2-9QXD"
    assert tracker.get_slot("citizen_name") is None


def test_a_value_written_before_the_form_asked_for_it_is_redacted_once_known(store, database):
    save(
        store, "c3", [ActionExecuted("action_listen"), user("hej jeg hedder Anna Jensen", "greet")]
    )
    save(store, "c3", form_turns())
    dump = raw_dump(database)
    assert "Anna" not in dump and "Jensen" not in dump
    first = asyncio.run(store.retrieve("c3")).events
    assert any(isinstance(e, UserUttered) and e.text == "hej jeg hedder Anna Jensen" for e in first)


def test_an_abandoned_form_loses_its_originals_when_the_session_expires(store, database, clock):
    save(store, "c4", form_turns())
    assert sealed_count(database) > 0
    clock.now += 61 * 60
    save(store, "other", [ActionExecuted("action_listen"), user("hej", "greet")])
    assert sealed_count(database) == 0
    assert asyncio.run(store.retrieve("c4")).get_slot("citizen_name") == "[navn]"


def test_with_transcript_consent_the_values_are_kept_encrypted_until_the_retention_ends(
    store, database, clock
):
    save(store, "c5", [*form_turns(), SlotSet("chat_transcript", True), *flow_end()])
    assert sealed_count(database) > 0
    assert not [value for value in PERSONAL if value.lower() in raw_dump(database).lower()]
    clock.now += 29 * 24 * 3600
    store.forget_expired()
    texts = [e.text for e in asyncio.run(store.retrieve("c5")).events if isinstance(e, UserUttered)]
    assert NAME in texts and EMAIL in texts
    clock.now += 2 * 24 * 3600
    store.forget_expired()
    assert sealed_count(database) == 0
    texts = [e.text for e in asyncio.run(store.retrieve("c5")).events if isinstance(e, UserUttered)]
    assert NAME not in texts and "[navn]" in texts


def test_a_withdrawn_transcript_consent_forgets_the_values_when_the_flow_ends(
    store, database, clock
):
    save(store, "c5w", [*form_turns(), SlotSet("chat_transcript", True)])
    save(store, "c5w", [SlotSet("chat_transcript", False), *flow_end()])
    assert sealed_count(database) == 0
    texts = [
        e.text for e in asyncio.run(store.retrieve("c5w")).events if isinstance(e, UserUttered)
    ]
    assert NAME not in texts and "[navn]" in texts


def test_a_wrong_key_reads_the_redacted_events_and_never_fails(store, database, clock):
    save(store, "c6", form_turns())
    other = RedactingTrackerStore(
        DOMAIN, host=f"sqlite:///{database}", encryption_key=new_key(), clock=clock
    )
    assert asyncio.run(other.retrieve("c6")).get_slot("citizen_name") == "[navn]"


def test_a_rotated_key_list_still_opens_what_the_old_key_sealed(database, clock):
    old, new = new_key(), new_key()
    first = RedactingTrackerStore(
        DOMAIN, host=f"sqlite:///{database}", encryption_key=old, clock=clock
    )
    save(first, "c7", form_turns())
    rotated = RedactingTrackerStore(
        DOMAIN, host=f"sqlite:///{database}", encryption_key=f"{new},{old}", clock=clock
    )
    assert asyncio.run(rotated.retrieve("c7")).get_slot("citizen_name") == NAME


def test_erasure_deletes_the_whole_conversation(store, database):
    save(store, "c8", form_turns())
    save(store, "c9", [ActionExecuted("action_listen"), user("hej", "greet")])
    store.delete_conversation("c8")
    assert asyncio.run(store.retrieve("c8")) is None
    assert "c8" not in raw_dump(database) and asyncio.run(store.retrieve("c9")) is not None


def test_without_a_key_the_store_refuses_to_start(database, monkeypatch):
    monkeypatch.delenv("TRACKER_ENCRYPTION_KEY", raising=False)
    with pytest.raises(Exception, match="TRACKER_ENCRYPTION_KEY"):
        RedactingTrackerStore(DOMAIN, host=f"sqlite:///{database}")
