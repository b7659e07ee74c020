"""The insight reads conversations exactly as the real RedactingTrackerStore writes them.

The store runs in the bot's environment (.venv-bot, Rasa 3.6), so a small script there writes
the conversations; the web app's `PhraseReader` reads them read-only from this environment.
"""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from booking.insight import PhraseReader
from tests.support.clock import NOW
from tests.support.conversations import tracker_store
from tests.support.insight import add_messages, parsed

ROOT = Path(__file__).resolve().parents[2]
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"


@pytest.fixture(scope="module")
def tracker_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not BOT_PYTHON.exists():
        pytest.fail(".venv-bot is missing: run `make setup`")
    database = tmp_path_factory.mktemp("tracker") / "conversations.db"
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [
            str(BOT_PYTHON),
            str(ROOT / "tests/support/bot_conversations.py"),
            str(database),
            str((NOW - timedelta(hours=1)).timestamp()),
        ],
        check=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    return database


def test_only_the_kept_conversation_counts_and_nothing_personal_is_shown(tracker_db: Path):
    reader = PhraseReader(f"sqlite:///{tracker_db}")
    fallback, unsure = reader.frequent(now=NOW)
    reader.dispose()
    assert [(p.text, p.count, p.suggested_intent) for p in fallback] == [
        ("må jeg tage min hund med", 2, "faq/cost")
    ]
    assert [(p.text, p.count, p.suggested_intent) for p in unsure] == [
        ("hvad koster parkering", 1, "faq/cost")
    ]
    shown = " ".join(p.text for p in fallback + unsure)
    assert "Anna" not in shown and "20 12" not in shown


def test_after_the_transcript_ends_no_phrase_is_read(tracker_db: Path) -> None:
    reader = PhraseReader(f"sqlite:///{tracker_db}")
    assert reader.frequent(now=NOW + timedelta(days=31)) == ([], [])
    reader.dispose()


def test_the_reader_never_writes(tracker_db: Path) -> None:
    before = tracker_db.read_bytes()
    reader = PhraseReader(f"sqlite:///{tracker_db}")
    reader.frequent(now=NOW)
    with pytest.raises(Exception, match="readonly"), reader.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM events")
    reader.dispose()
    assert tracker_db.read_bytes() == before


def test_an_absent_or_empty_tracker_database_gives_no_phrases(tmp_path: Path) -> None:
    absent = PhraseReader(f"sqlite:///{tmp_path / 'absent.db'}")
    assert absent.frequent(now=NOW) == ([], [])
    assert not (tmp_path / "absent.db").exists()
    (tmp_path / "empty.db").write_bytes(b"")
    empty = PhraseReader(f"sqlite:///{tmp_path / 'empty.db'}")
    assert empty.frequent(now=NOW) == ([], [])


@pytest.mark.postgres
def test_on_postgresql_the_reader_reads_kept_phrases_in_read_only_transactions(
    postgres_url: str,
) -> None:
    rasa_url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    store = tracker_store(rasa_url)
    unclear = parsed("må jeg tage min hund med", "nlu_fallback", 0.7)
    add_messages(store, "kept", [unclear], at=NOW, keep_until=NOW + timedelta(days=1))
    add_messages(store, "gone", [unclear], at=NOW, keep_until=None)
    store.engine.dispose()
    reader = PhraseReader(rasa_url)
    fallback, _ = reader.frequent(now=NOW + timedelta(hours=1))
    assert [(p.text, p.count) for p in fallback] == [("må jeg tage min hund med", 1)]
    with pytest.raises(Exception, match="read-only"), reader.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM events")
    reader.dispose()
