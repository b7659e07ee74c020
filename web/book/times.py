"""Free times for the /book list: grouped by Copenhagen day, labelled in the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from booking.i18n import format_moment
from booking.slots import COPENHAGEN
from web.api.validation import iso

DAY_PATTERNS = {"da": "EEEE d. MMMM", "en": "EEEE d MMMM"}
TIME_PATTERNS = {"da": "H.mm", "en": "H:mm"}


@dataclass(frozen=True)
class OfferedTime:
    value: str  # the form value: ISO 8601 with the Copenhagen offset
    label: str  # "9.00" / "9:00"


@dataclass(frozen=True)
class OfferedDay:
    day: date
    label: str  # "tirsdag 8. januar" / "Tuesday 8 January"
    times: tuple[OfferedTime, ...]


def meeting_time_label(moment: datetime, language: str) -> str:
    """The whole time, as the confirmation and manage pages write it."""
    return format_moment(moment, language, "when")


def by_day(starts: list[datetime], language: str) -> list[OfferedDay]:
    """The slot starts grouped by their Copenhagen date, in order."""
    local = sorted(s.astimezone(COPENHAGEN) for s in starts)
    days = []
    for day, group in groupby(local, key=lambda s: s.date()):
        moments = list(group)
        days.append(
            OfferedDay(
                day=day,
                label=format_moment(
                    moments[0], language, DAY_PATTERNS.get(language, "EEEE d. MMMM")
                ),
                times=tuple(
                    OfferedTime(
                        iso(s), format_moment(s, language, TIME_PATTERNS.get(language, "H.mm"))
                    )
                    for s in moments
                ),
            )
        )
    return days
