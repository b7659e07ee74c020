"""A tracker database as Rasa and bot/stores leave it, filled with conversations for tests."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select

from booking.privacy import ConversationStore
from booking.privacy.conversations import EVENTS, SEALED_EVENTS, TRANSCRIPTS


def tracker_store(url: str, *, retention_days: int = 30) -> ConversationStore:
    store = ConversationStore(url, retention_days=retention_days)
    store.create_tables()
    return store


def add_conversation(
    store: ConversationStore,
    sender_id: str,
    *,
    last_event_at: datetime,
    transcript_until: datetime | None = None,
) -> None:
    """Three redacted events, one sealed original, and a transcript consent if asked."""
    at = last_event_at.timestamp()
    with store.engine.begin() as connection:
        ids = []
        for offset, (kind, data) in enumerate(
            [
                ("action", {"event": "action", "name": "action_listen"}),
                ("user", {"event": "user", "text": "[navn]"}),
                ("slot", {"event": "slot", "name": "citizen_name", "value": "[navn]"}),
            ]
        ):
            result = connection.execute(
                EVENTS.insert().values(
                    sender_id=sender_id,
                    type_name=kind,
                    timestamp=at - 2 + offset,
                    data=json.dumps(data),
                )
            )
            ids.append(result.inserted_primary_key[0])
        connection.execute(
            SEALED_EVENTS.insert().values(
                event_id=ids[1], sender_id=sender_id, sealed_at=at, ciphertext="gAAAA-sealed"
            )
        )
        if transcript_until is not None:
            connection.execute(
                TRANSCRIPTS.insert().values(
                    sender_id=sender_id, consented_at=at, keep_until=transcript_until.timestamp()
                )
            )


def rows_of(store: ConversationStore, sender_id: str) -> int:
    """Rows about this conversation in every table of the tracker database."""
    with store.engine.connect() as connection:
        return sum(
            int(
                connection.execute(
                    select(func.count()).select_from(table).where(table.c.sender_id == sender_id)
                ).scalar_one()
            )
            for table in (EVENTS, SEALED_EVENTS, TRANSCRIPTS)
        )
