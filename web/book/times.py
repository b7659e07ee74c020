"""Free times for the /book list: grouped by Copenhagen day, labelled in the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from booking.meetings import when
from booking.slots import COPENHAGEN
from web.api.validation import iso

DAY_NAMES = {
    "da": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES = {
    "da": (
        "januar", "februar", "marts", "april", "maj", "juni",
        "juli", "august", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class OfferedTime:
    value: str  # the form value: ISO 8601 with the Copenhagen offset
    label: str  # "9.00" / "9:00"


@dataclass(frozen=True)
class OfferedDay:
    day: date
    label: str  # "tirsdag 8. januar" / "Tuesday 8 January"
    times: tuple[OfferedTime, ...]


def day_label(day: date, language: str) -> str:
    lang = "en" if language == "en" else "da"
    weekday, month = DAY_NAMES[lang][day.weekday()], MONTH_NAMES[lang][day.month - 1]
    return f"{weekday} {day.day} {month}" if lang == "en" else f"{weekday} {day.day}. {month}"


def time_label(moment: datetime, language: str) -> str:
    local = moment.astimezone(COPENHAGEN)
    separator = ":" if language == "en" else "."
    return f"{local.hour}{separator}{local.minute:02d}"


def meeting_time_label(moment: datetime, language: str) -> str:
    """The whole time, as the confirmation and manage pages write it."""
    return when(moment, language)


def by_day(starts: list[datetime], language: str) -> list[OfferedDay]:
    """The slot starts grouped by their Copenhagen date, in order."""
    local = sorted(s.astimezone(COPENHAGEN) for s in starts)
    return [
        OfferedDay(
            day=day,
            label=day_label(day, language),
            times=tuple(OfferedTime(iso(s), time_label(s, language)) for s in group),
        )
        for day, group in groupby(local, key=lambda s: s.date())
    ]
