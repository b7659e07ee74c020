"""Finding personal values in conversation events and replacing them with placeholders.

Pure functions, standard library only. Two sources of what is personal:
- values the conversation itself collected (the form's name, phone and e-mail slots, the lookup
  phone and code, the manage token): replaced wherever they appear, in any spelling of a phone;
- patterns for what a citizen may type unasked: e-mail addresses, CPR numbers (with or without
  the dash), Danish and international phone numbers, long tokens, and a message that is only a
  six-digit code.
Times ("10.30", "14:00"), dates ("8. december", "08-12-2026", "2026-12-08"), booking references
("K7M2-9QXD") and prices ("1.250 kr.") are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

NAME, PHONE, EMAIL, CPR, CODE, TOKEN = (
    "[navn]",
    "[telefon]",
    "[e-mail]",
    "[cpr]",
    "[kode]",
    "[token]",
)

# slots whose values are personal, and the placeholder that replaces them
PERSONAL_SLOTS: Mapping[str, str] = {
    "citizen_name": NAME,
    "citizen_phone": PHONE,
    "citizen_email": EMAIL,
    "lookup_phone": PHONE,
    "lookup_code": CODE,
    "manage_token": TOKEN,
}
# values of personal slots that are markers, not personal data
NOT_PERSONAL = {"verified", "skipped", "spring over", "-", ""}

# keys of Rasa's event dictionaries that hold names and ids, never what a citizen wrote
SKIPPED_KEYS = frozenset(
    {
        "event",
        "timestamp",
        "message_id",
        "input_channel",
        "name",
        "intent",
        "intent_name",
        "intent_ranking",
        "confidence",
        "policy",
        "action_text",
        "utter_action",
        "retrieval_intent",
        "template_name",
        "response_selector",
        "entity",
        "extractor",
        "role",
        "group",
        "start",
        "end",
        "processors",
    }
)

_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
# DDMMYY-SSSS, the dash (or a space) optional; day and month must be possible
_CPR = re.compile(
    r"(?<![\d.,:/-])(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[- ]?\d{4}(?!\d|[.,:/-]\d)"
)
# +CC or 00CC, then digits in groups separated by single spaces, dots, dashes or parentheses
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}(?:[ .-]?\(?\d+\)?){1,6}(?!\w)")
# Danish national numbers: 8 digits starting 2-9, written 12345678, 12 34 56 78, 1234 5678
_DANISH_PHONE = re.compile(
    r"(?<![\w+.,:/-])[2-9]\d(?:\d{6}|(?: \d{2}){3}|\d{2} \d{4})(?![\w]|[.,:/-]\d| \d)"
)
# secrets such as the manage token (token_urlsafe): long runs of url-safe characters
_TOKEN = re.compile(r"(?<![\w-])(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{24,}(?![\w-])")
# a message that is nothing but a one-time code
_CODE_MESSAGE = re.compile(r"^\s*\d{3}\s?\d{3}\s*$")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _phone_digits(text: str) -> int:
    return len(_digits(text))


@dataclass
class KnownValues:
    """Values this conversation collected, each with its placeholder (longest replaced first)."""

    values: dict[str, str] = field(default_factory=dict)

    def add(self, value: object, placeholder: str) -> None:
        if not isinstance(value, str) or value.strip().lower() in NOT_PERSONAL:
            return
        value = value.strip()
        self.values[value] = placeholder
        if placeholder == PHONE:
            # a stored +4520123456 is typed "20 12 34 56" or "20123456" in later messages
            national = _digits(value)[2:] if value.startswith("+45") else ""
            if len(national) == 8:
                self.values[national] = PHONE
        if placeholder == NAME:
            for part in value.split():
                if len(part) >= 3:
                    self.values[part] = NAME

    def pattern(self) -> re.Pattern[str] | None:
        if not self.values:
            return None
        alternatives = sorted(self.values, key=len, reverse=True)
        return re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(v) for v in alternatives) + r")(?!\w)", re.I
        )


def known_values(events: Iterable[Mapping[str, Any]]) -> KnownValues:
    """The personal values the conversation's slot events ever held."""
    known = KnownValues()
    for event in events:
        if event.get("event") == "slot" and event.get("name") in PERSONAL_SLOTS:
            known.add(event.get("value"), PERSONAL_SLOTS[str(event["name"])])
    return known


def redact_text(text: str, known: KnownValues | None = None) -> str:
    """The text with every personal value found replaced by its placeholder."""
    if _CODE_MESSAGE.match(text):
        return CODE
    pattern = known.pattern() if known else None
    if pattern is not None:
        values = {k.lower(): v for k, v in known.values.items()} if known else {}
        text = pattern.sub(lambda m: values.get(m.group(0).lower(), NAME), text)
    text = _EMAIL.sub(EMAIL, text)
    text = _CPR.sub(CPR, text)
    text = _INTERNATIONAL_PHONE.sub(
        lambda m: PHONE if 7 <= _phone_digits(m.group(0)) <= 15 else m.group(0), text
    )
    text = _DANISH_PHONE.sub(PHONE, text)
    return _TOKEN.sub(TOKEN, text)


def redact_value(value: Any, known: KnownValues | None = None) -> Any:
    """Strings redacted, containers walked; keys that name things (SKIPPED_KEYS) left alone."""
    if isinstance(value, str):
        return redact_text(value, known)
    if isinstance(value, list):
        return [redact_value(item, known) for item in value]
    if isinstance(value, dict):
        return {
            key: item if key in SKIPPED_KEYS else redact_value(item, known)
            for key, item in value.items()
        }
    return value


def redact_event(event: Mapping[str, Any], known: KnownValues | None = None) -> dict[str, Any]:
    """A copy of a Rasa event dictionary without personal values.

    A personal slot's value becomes its placeholder whatever it looks like; user and bot texts,
    entities, metadata and button payloads go through `redact_text`.
    """
    if event.get("event") == "slot" and event.get("name") in PERSONAL_SLOTS:
        value = event.get("value")
        if isinstance(value, str) and value.strip().lower() not in NOT_PERSONAL:
            return {**event, "value": PERSONAL_SLOTS[str(event["name"])]}
        return dict(event)
    return redact_value(dict(event), known)
