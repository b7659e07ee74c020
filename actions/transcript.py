"""The optional `chat_transcript` consent: given or withdrawn at any time in the conversation.

The widget's switch sends `/keep_transcript` or `/drop_transcript`; a citizen may also say it
("gem samtalen", "slet samtalen"). The reply shows the consent text in force in full, so the
version recorded is the one the citizen read. The consent is the
`chat_transcript` slot, which the tracker store reads (keep the conversation for its retention
period, or forget its personal data when the flow ends), and its text version goes into
`consent_version`, so a booking made in this conversation records it like every other consent.
"""

from __future__ import annotations

import os

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import language_of
from actions.service_action import SERVICE_DOWN, BookingServiceAction

PURPOSE = "chat_transcript"
DEFAULT_RETENTION_DAYS = 30


def retention_days() -> int:
    """The tracker store's TRANSCRIPT_RETENTION_DAYS (both read the same environment)."""
    raw = os.environ.get("TRANSCRIPT_RETENTION_DAYS", "")
    try:
        days = int(float(raw))
    except ValueError:
        return DEFAULT_RETENTION_DAYS
    return days if days > 0 else DEFAULT_RETENTION_DAYS


class ActionTranscriptConsent(BookingServiceAction):
    """Records the chat_transcript consent (keep_transcript) or its withdrawal (drop_transcript)."""

    def name(self) -> str:
        return "action_transcript_consent"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        versions = dict(tracker.get_slot("consent_version") or {})
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "drop_transcript":
            versions.pop(PURPOSE, None)
            dispatcher.utter_message(response="utter_transcript_dropped")
            return [SlotSet(PURPOSE, False), SlotSet("consent_version", versions)]
        texts = self.api.consent_texts(language_of(tracker))
        text = next((t for t in texts if t.get("purpose") == PURPOSE), None)
        if text is None:
            dispatcher.utter_message(response=SERVICE_DOWN)
            return []
        versions[PURPOSE] = text["version"]
        dispatcher.utter_message(
            response="utter_transcript_kept",
            consent_text=text["text"],
            retention_days=retention_days(),
        )
        return [SlotSet(PURPOSE, True), SlotSet("consent_version", versions)]
