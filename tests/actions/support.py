"""Building trackers for action tests (rasa_sdk's Tracker.from_dict) and running actions."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    input_channel: str = "rest",
) -> Tracker:
    all_slots = {"language": "da"}
    all_slots.update(slots or {})
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
    }
    user_event = {
        "event": "user",
        "text": text,
        "parse_data": latest,
        "input_channel": input_channel,
    }
    return Tracker.from_dict(
        {
            "sender_id": "test-citizen",
            "slots": all_slots,
            "latest_message": latest,
            "events": [*(events or []), user_event],
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
            "latest_input_channel": input_channel,
        }
    )


def run(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(messages, events) of one action run."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("response") for m in messages if m.get("response")]


def buttons(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for m in messages for b in (m.get("buttons") or [])]
