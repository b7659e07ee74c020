"""The language of the conversation: Danish unless the citizen writes English.

`action_detect_language` runs on every user message (a custom slot mapping, run by Rasa's
action_extract_slots). An explicit choice (the `language` entity, e.g. "english please" / "på
dansk") always wins; otherwise a message switches language only when it clearly reads as the
other language (marker words; æøå only beside a Danish word), so names, numbers, e-mail
addresses, "ok", "ja" and button payloads never flip it. At the name, phone and e-mail questions
only the introduction ("my name is …", "mit navn er …") counts, never the answer.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.citizen_answers import reads_as_sentence, split_introduction

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


# What a citizen writes that is no sentence: e-mail addresses, numbers, codes.
NOT_WORDS = re.compile(r"\S+@\S+|[\d+][\d\s\-().+]*")
# While the form asks for these, only the words around the answer tell the language: a name
# ("Søren Østergård") or an address is no Danish.
ANSWER_SLOTS = ("citizen_name", "citizen_phone", "citizen_email")


def detect_language(text: str) -> str | None:
    """ "en" or "da" when the text clearly reads as that language, else None.

    æ, ø and å count only beside at least one Danish word, so that a name never switches.
    """
    text = NOT_WORDS.sub(" ", text.lower())
    words = re.findall(r"[a-zæøå']+", text)
    english = sum(w in ENGLISH for w in words)
    danish = sum(w in DANISH for w in words)
    if danish:
        danish += 2 * len(re.findall(r"[æøå]", text))
    if english >= 2 and english > danish:
        return "en"
    if danish >= 2 and danish > english:
        return "da"
    if len(words) == 1 and words[0] in {"hello", "hi", "yes", "thanks", "english"}:
        return "en"
    return None


def answer_context(text: str) -> str:
    """The words around an answer that tell the language: the introduction ("my name is"), or
    the whole text when it is a sentence (a question in the middle of the form)."""
    introduction, _ = split_introduction(text)
    return introduction if introduction or not reads_as_sentence(text) else text


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
        if tracker.get_slot("requested_slot") in ANSWER_SLOTS:
            text = answer_context(text)
        detected = chosen or (None if text.startswith("/") else detect_language(text))
        language = detected or current
        events: list[EventType] = [SlotSet("language", language)]
        if language != current or chosen:
            events.extend(opening_hours_events(tracker, language))
        return events
