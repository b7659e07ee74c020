"""The assistant's conversations, as far as erasure and retention must reach them.

Rasa keeps conversations in its tracker database (bot/stores/tracker_store.py: Rasa's `events`
table, the encrypted originals in `sealed_events`, the `chat_transcript` consents in
`conversation_transcripts`). This module deletes conversations there: those a booking was made
in, when the citizen's data is erased or expires, and any conversation whose last event is older
than the conversation retention period. It writes nothing else and reads no message content.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import Engine

METADATA = MetaData()
# the columns this module touches; the full tables are created by Rasa and the tracker store
EVENTS = Table(
    "events",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
SEALED_EVENTS = Table(
    "sealed_events",
    METADATA,
    Column("event_id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("sealed_at", Float, nullable=False),
    Column("ciphertext", Text, nullable=False),
)
TRANSCRIPTS = Table(
    "conversation_transcripts",
    METADATA,
    Column("sender_id", String(255), primary_key=True),
    Column("consented_at", Float, nullable=False),
    Column("keep_until", Float, nullable=False),
)


def engine_url(url: str) -> str:
    """Rasa's URL (psycopg2's `postgresql://`) for this venv's driver (psycopg 3)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class ExpiredConversation:
    sender_id: str
    last_event_at: datetime


class ConversationStore:
    """Deletes conversations in the tracker database (`TRACKER_STORE_URL`)."""

    def __init__(self, url: str, *, retention_days: int = 30) -> None:
        self.engine: Engine = create_engine(engine_url(url))
        self.retention = timedelta(days=retention_days)
        self._created = False  # once the tables exist, they stay

    def create_tables(self) -> None:
        """For tests and fresh installs; Rasa creates the same tables when it starts."""
        METADATA.create_all(self.engine)

    def _tables_exist(self) -> bool:
        """Until Rasa has started once, the tracker database has no tables: then there are
        no conversations, which is not an error (the worker's first housekeeping runs earlier)."""
        if not self._created:
            names = set(inspect(self.engine).get_table_names())
            self._created = {t.name for t in METADATA.sorted_tables} <= names
        return self._created

    def delete(self, sender_ids: Iterable[str]) -> int:
        """Delete these conversations entirely; returns how many had events."""
        ids = sorted({s for s in sender_ids if s})
        if not ids or not self._tables_exist():
            return 0
        with self.engine.begin() as connection:
            found = connection.execute(
                select(func.count(func.distinct(EVENTS.c.sender_id))).where(
                    EVENTS.c.sender_id.in_(ids)
                )
            ).scalar_one()
            for table in (SEALED_EVENTS, TRANSCRIPTS, EVENTS):
                connection.execute(delete(table).where(table.c.sender_id.in_(ids)))
        return int(found)

    def end_transcript(self, sender_id: str) -> None:
        """The `chat_transcript` consent was withdrawn: the encrypted originals go for good; the
        redacted events stay (nothing personal), until the conversation's own retention ends."""
        if not sender_id or not self._tables_exist():
            return
        with self.engine.begin() as connection:
            for table in (SEALED_EVENTS, TRANSCRIPTS):
                connection.execute(delete(table).where(table.c.sender_id == sender_id))

    def expired(self, *, now: datetime) -> list[ExpiredConversation]:
        """Conversations whose last event is older than the retention period, unless their
        `chat_transcript` consent still runs."""
        if not self._tables_exist():
            return []
        cutoff = (now - self.retention).timestamp()
        kept = select(TRANSCRIPTS.c.sender_id).where(TRANSCRIPTS.c.keep_until > now.timestamp())
        last = func.max(EVENTS.c.timestamp)
        query = (
            select(EVENTS.c.sender_id, last)
            .where(EVENTS.c.sender_id.not_in(kept))
            .group_by(EVENTS.c.sender_id)
            .having(last < cutoff)
            .order_by(EVENTS.c.sender_id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            ExpiredConversation(sender, datetime.fromtimestamp(float(at), tz=UTC))
            for sender, at in rows
        ]

    def purge(self, *, now: datetime) -> int:
        """Delete every expired conversation; returns how many."""
        return self.delete(c.sender_id for c in self.expired(now=now))
