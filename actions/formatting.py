"""Dates and times as a citizen reads them, in Danish or English, in Danish local time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import phonenumbers
from rasa_sdk import Tracker

LOCAL = ZoneInfo("Europe/Copenhagen")

WEEKDAYS = {
    "da": ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
MONTHS = {
    "da": [
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
SERVICE_NAMES = {
    "jobcenter": {"da": "Jobcenter", "en": "the jobcentre"},
    "sundhedspleje": {"da": "sundhedsplejersken", "en": "the health visitor"},
    "fysioterapi": {
        "da": "genoptræning med fysioterapeut",
        "en": "rehabilitation with a physiotherapist",
    },
}
STATUS_NAMES = {
    "confirmed": {"da": "bekræftet", "en": "confirmed"},
    "cancelled": {"da": "aflyst", "en": "cancelled"},
    "completed": {"da": "afholdt", "en": "held"},
}


def language_of(tracker: Tracker) -> str:
    return "en" if tracker.get_slot("language") == "en" else "da"


def parse_iso(value: str) -> datetime:
    """An ISO 8601 time with offset (a trailing Z is accepted); naive times are Danish time."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL)


def format_when(value: str | datetime, language: str = "da") -> str:
    """ "tirsdag 1. december kl. 10.00" / "Tuesday 1 December at 10:00" in Danish local time."""
    moment = parse_iso(value) if isinstance(value, str) else value
    local = moment.astimezone(LOCAL)
    if language == "en":
        weekday, month = WEEKDAYS["en"][local.weekday()], MONTHS["en"][local.month - 1]
        return f"{weekday} {local.day} {month} at {local:%H:%M}"
    weekday, month = WEEKDAYS["da"][local.weekday()], MONTHS["da"][local.month - 1]
    return f"{weekday} {local.day}. {month} kl. {local:%H.%M}"


def display_phone(number: str | None) -> str:
    """'+45 20 30 40 50' for '+4520304050', as a citizen reads (and a voice says) it."""
    try:
        parsed = phonenumbers.parse(number or "", "DK")
    except phonenumbers.NumberParseException:
        return number or ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def service_name(code: str | None, language: str = "da") -> str:
    names = SERVICE_NAMES.get(code or "")
    return names[language] if names else (code or "")


def status_name(status: str, language: str = "da") -> str:
    return STATUS_NAMES.get(status, {}).get(language, status)
