"""The meeting mode in the conversation: video, phone or in person.

A citizen names it on a button or in their own words ("jeg vil hellere komme ind på
rådhuset", "can you call me instead"); `mode_in_text` reads those words in Danish and English.
The booking form asks for it only when the chosen service offers more than one mode.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_api import BookingApi
from actions.formatting import language_of
from actions.service_action import BookingServiceAction

MODES = ("video", "phone", "in_person")
MODE_TITLES = {
    "da": {"video": "Video", "phone": "Telefon", "in_person": "Fremmøde"},
    "en": {"video": "Video", "phone": "Phone", "in_person": "In person"},
}
MODE_NAMES = {
    "da": {"video": "videomøde", "phone": "telefonmøde", "in_person": "fysisk møde"},
    "en": {"video": "video meeting", "phone": "phone meeting", "in_person": "in-person meeting"},
}

# Words that name a mode, in Danish (with and without æøå) and English. In person is tested
# first: "komme ind og tale med nogen" names a place, even though it says "tale".
_IN_PERSON = re.compile(
    r"fysisk|fremm[øo]de|m[øo]de op|m[øo]des? (?:p[åa] stedet|ansigt)|komme? (?:ind|forbi|ned)|"
    r"r[åa]dhus|kontor|jobcent(?:er|ret) selv|personligt|ansigt til ansigt|"
    r"in person|in-person|face to face|face-to-face|come (?:in|to|by|into)|visit|office|"
    r"town hall|city hall|meet (?:you|them) there"
)
_PHONE = re.compile(r"telefon|\bring(?:e|er|es)?\b|opkald|\btlf\b|phone|\bcall(?:ing|s)?\b")
_VIDEO = re.compile(r"video|sk[æa]rm|online|computer|jitsi|webcam|kamera|camera|on screen")


def mode_in_text(text: str | None) -> str | None:
    """The mode a citizen's words name, or None: 'kan I ringe til mig?' → 'phone'."""
    lowered = (text or "").strip().lower()
    if not lowered or lowered.startswith("/"):
        return None
    if lowered in MODES:
        return lowered
    for mode, pattern in (("in_person", _IN_PERSON), ("phone", _PHONE), ("video", _VIDEO)):
        if pattern.search(lowered):
            return mode
    return None


def service_modes(api: BookingApi, service: str | None) -> list[str]:
    """The modes a service offers, as the booking service lists them (video if it says none)."""
    for offered in api.services():
        if offered.get("code") == service:
            return [m for m in offered.get("modes") or ["video"] if m in MODES] or ["video"]
    return ["video"]


def mode_buttons(modes: list[str], language: str) -> list[dict[str, str]]:
    titles = MODE_TITLES["en" if language == "en" else "da"]
    return [
        {
            "title": titles[mode],
            "payload": "/inform" + json.dumps({"mode": mode}, separators=(",", ":")),
        }
        for mode in modes
    ]


def mode_name(mode: str | None, language: str) -> str:
    return MODE_NAMES["en" if language == "en" else "da"].get(mode or "video", mode or "")


def chosen_mode(tracker: Tracker) -> str | None:
    """The mode on a button (entity), else the one the message's words name."""
    entity = next(tracker.get_latest_entity_values("mode"), None)
    if entity in MODES:
        return str(entity)
    return mode_in_text(tracker.latest_message.get("text"))


def _named_when_asking(tracker: Tracker) -> str | None:
    """The mode named in the message that started the booking ("book et videomøde")."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == "book_meeting":
            return mode_in_text(event.get("text"))
    return None


def mode_after_service(
    api: BookingApi, service: str, tracker: Tracker, dispatcher: CollectingDispatcher
) -> dict[str, Any]:
    """The `mode` slot once a service is chosen: its only mode; the mode the citizen already
    named if the service offers it; otherwise empty, so the form asks."""
    offered = service_modes(api, service)
    if len(offered) == 1:
        return {"mode": offered[0]}
    wished = tracker.get_slot("mode") or chosen_mode(tracker) or _named_when_asking(tracker)
    if wished in offered:
        return {"mode": wished}
    if wished is not None:
        dispatcher.utter_message(
            response="utter_mode_not_offered", mode_name=mode_name(wished, language_of(tracker))
        )
    return {"mode": None}


class ActionAskMode(BookingServiceAction):
    """Asks how the citizen wants to meet, with a button for each mode the service offers."""

    def name(self) -> str:
        return "action_ask_mode"

    def step(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        language = language_of(tracker)
        offered = service_modes(self.api, tracker.get_slot("service"))
        dispatcher.utter_message(response="utter_ask_mode", buttons=mode_buttons(offered, language))
        return []
