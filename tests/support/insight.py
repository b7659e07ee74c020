"""User messages as the redacting tracker store leaves them, for the insight tests."""

from __future__ import annotations

import json
from datetime import datetime

from booking.privacy import ConversationStore
from booking.privacy.conversations import EVENTS, TRANSCRIPTS


def parsed(text: str, intent: str, confidence: float, *ranking: tuple[str, float]) -> dict:
    """A `user` event's data as Rasa stores it (the text already redacted)."""
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]
            or [{"name": intent, "confidence": confidence}],
        },
    }


def add_messages(
    store: ConversationStore,
    sender_id: str,
    messages: list[dict],
    *,
    at: datetime,
    keep_until: datetime | None,
) -> None:
    with store.engine.begin() as connection:
        for offset, data in enumerate(messages):
            connection.execute(
                EVENTS.insert().values(
                    sender_id=sender_id,
                    type_name="user",
                    timestamp=at.timestamp() + offset,
                    intent_name=data["parse_data"]["intent"]["name"],
                    data=json.dumps(data),
                )
            )
        if keep_until is not None:
            connection.execute(
                TRANSCRIPTS.insert().values(
                    sender_id=sender_id,
                    consented_at=at.timestamp(),
                    keep_until=keep_until.timestamp(),
                )
            )
