"""Free times as buttons, the nearest first or narrowed by the citizen's wish."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from rasa_sdk.executor import CollectingDispatcher

from actions.booking_api import BookingApi, Slot
from actions.dates import TimePreference
from actions.formatting import LOCAL, format_when, parse_iso, service_name

MAX_BUTTONS = 6


def offer_times(
    dispatcher: CollectingDispatcher,
    api: BookingApi,
    service: str,
    language: str,
    now: datetime,
    preference: TimePreference | None = None,
    mode: str | None = None,
) -> bool:
    """Show free slots (in `mode`, when given) as buttons, narrowed by the preference.
    False when none exist."""
    today = now.astimezone(LOCAL).date()
    nearest = api.slots(service, today, today + timedelta(days=14), mode) or api.slots(
        service, today, today + timedelta(days=60), mode
    )
    slots = nearest
    if preference is not None:
        wanted = api.slots(service, preference.first_day, preference.last_day, mode)
        wanted = [s for s in wanted if preference.matches(parse_iso(s.start))]
        if preference.at is not None:
            wanted.sort(key=lambda s: _minutes_from(s, preference))
        if wanted:
            dispatcher.utter_message(response="utter_offer_times_for_preference")
            slots = wanted
        elif nearest:
            dispatcher.utter_message(response="utter_no_times_for_preference")
    if not slots:
        return False
    if slots is nearest:
        dispatcher.utter_message(
            response="utter_offer_times", service_name=service_name(service, language)
        )
    dispatcher.utter_message(buttons=time_buttons(slots[:MAX_BUTTONS], language))
    return True


def _minutes_from(slot: Slot, preference: TimePreference) -> float:
    local = parse_iso(slot.start).astimezone(LOCAL)
    wanted = local.replace(hour=preference.at.hour, minute=preference.at.minute)  # type: ignore[union-attr]
    return abs((local - wanted).total_seconds())


def time_buttons(slots: list[Slot], language: str) -> list[dict[str, str]]:
    return [
        {
            "title": format_when(s.start, language),
            "payload": "/inform" + json.dumps({"meeting_time": s.start}, separators=(",", ":")),
        }
        for s in slots
    ]
