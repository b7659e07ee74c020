"""The language of the conversation: Danish unless the citizen writes English.

`action_detect_language` runs on every user message (a custom slot mapping, run by Rasa's
action_extract_slots). An explicit choice (the `language` entity, e.g. "english please" / "på
dansk") always wins; otherwise a message switches language only when it clearly reads as the
other language (marker words, æøå), so short answers like names, numbers, "ok" or "ja" never
flip it.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

ENGLISH = {
    "the",
    "i'd",
    "i'm",
    "you",
    "my",
    "is",
    "are",
    "want",
    "would",
    "like",
    "to",
    "book",
    "meeting",
    "appointment",
    "can",
    "how",
    "what",
    "when",
    "where",
    "please",
    "hello",
    "hi",
    "cancel",
    "with",
    "need",
    "do",
    "does",
    "a",
    "an",
    "of",
    "it",
    "have",
    "yes",
    "thanks",
    "thank",
    "speak",
    "english",
    "who",
    "person",
    "move",
    "change",
    "tomorrow",
    "next",
    "week",
    "me",
    "hey",
    "bye",
    "goodbye",
    "about",
    "there",
    "your",
    "in",
    "on",
    "am",
    "be",
}
DANISH = {
    "jeg",
    "du",
    "det",
    "er",
    "en",
    "et",
    "og",
    "til",
    "med",
    "vil",
    "kan",
    "hvordan",
    "hvad",
    "hej",
    "gerne",
    "møde",
    "moede",
    "min",
    "mit",
    "mine",
    "ikke",
    "på",
    "tak",
    "har",
    "skal",
    "hvornår",
    "hvor",
    "ja",
    "nej",
    "godt",
    "tale",
    "aflys",
    "flyt",
    "dansk",
    "sundhedsplejerske",
    "jobcenter",
    "jobcentret",
    "af",
    "om",
    "mig",
    "der",
    "den",
    "hos",
    "goddag",
    "farvel",
    "næste",
    "uge",
    "morgen",
    "venligst",
    "ønsker",
    "booke",
    "tid",
}
LANGUAGE_WORDS = {"en": ("en", "eng", "english", "engelsk"), "da": ("da", "dan", "dansk", "danish")}


def detect_language(text: str) -> str | None:
    """ "en" or "da" when the text clearly reads as that language, else None."""
    words = re.findall(r"[a-zæøå']+", text.lower())
    english = sum(w in ENGLISH for w in words)
    danish = sum(w in DANISH for w in words) + 2 * len(re.findall(r"[æøå]", text.lower()))
    if english >= 2 and english > danish:
        return "en"
    if danish >= 2 and danish > english:
        return "da"
    if len(words) == 1 and words[0] in {"hello", "hi", "yes", "thanks", "english"}:
        return "en"
    return None


def normalise_language(value: Any) -> str | None:
    text = str(value or "").strip().lower()
    for language, names in LANGUAGE_WORDS.items():
        if text in names or any(text.startswith(n) for n in names[2:]):
            return language
    return None


def opening_hours_events(tracker: Tracker, language: str) -> list[EventType]:
    by_language = tracker.get_slot("municipality_opening_hours_by_language") or {}
    hours = by_language.get(language)
    return [SlotSet("municipality_opening_hours", hours)] if hours else []


class ActionDetectLanguage(Action):
    def name(self) -> str:
        return "action_detect_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        current = tracker.get_slot("language") or "da"
        chosen = next(
            filter(None, map(normalise_language, tracker.get_latest_entity_values("language"))),
            None,
        )
        text = tracker.latest_message.get("text") or ""
        detected = chosen or (None if text.startswith("/") else detect_language(text))
        language = detected or current
        events: list[EventType] = [SlotSet("language", language)]
        if language != current or chosen:
            events.extend(opening_hours_events(tracker, language))
        return events
