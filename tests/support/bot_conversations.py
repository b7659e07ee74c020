"""Writes conversations through the real RedactingTrackerStore (run with .venv-bot's python).

    .venv-bot/bin/python tests/support/bot_conversations.py <sqlite file> <now, epoch seconds>

"kept": the citizen gave the `chat_transcript` consent; "not-kept": the same phrases without it.
Each has a phrase the assistant did not understand (twice), one it was unsure of, one it was
sure of, and one holding the citizen's name and phone number. The web app's insight reads them.
"""

from __future__ import annotations

import asyncio
import base64
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from bot.stores.tracker_store import RedactingTrackerStore  # noqa: E402

DOMAIN = Domain.load(str(ROOT / "domain.yml")).merge(
    Domain.from_dict(
        {"slots": {"chat_transcript": {"type": "bool", "mappings": [{"type": "custom"}]}}}
    )
)


def said(text: str, intent: str, confidence: float, *ranking: tuple[str, float]) -> UserUttered:
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]
        or [{"name": intent, "confidence": confidence}],
        "entities": [],
    }
    return UserUttered(text, parse_data["intent"], [], parse_data)


def turns() -> list:
    unclear = (
        "må jeg tage min hund med",
        "nlu_fallback",
        0.7,
        ("nlu_fallback", 0.7),
        ("faq/cost", 0.25),
    )
    return [
        ActionExecuted("action_listen"),
        said(*unclear),
        ActionExecuted("action_listen"),
        said(*unclear),
        ActionExecuted("action_listen"),
        said("hvad koster parkering", "faq/cost", 0.45),
        ActionExecuted("action_listen"),
        said("hej", "greet", 0.99),
        ActionExecuted("action_listen"),
        SlotSet("citizen_name", "Anna Jensen"),
        said("jeg hedder Anna Jensen og mit nummer er 20 12 34 56", "nlu_fallback", 0.7),
    ]


def main(database: str, now: float) -> None:
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    store = RedactingTrackerStore(
        DOMAIN, host=f"sqlite:///{database}", encryption_key=key, clock=lambda: now
    )
    for sender, consent in (("kept", [SlotSet("chat_transcript", True)]), ("not-kept", [])):
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        for event in [*consent, *turns()]:
            tracker.update(event)
        asyncio.run(store.save(tracker))


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
