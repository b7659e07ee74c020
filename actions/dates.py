"""Free-text time preferences ("i morgen", "næste uge om eftermiddagen") → a search window.

dateparser does the dates after we normalise Danish phrasing it gets wrong (see RECIPES.md);
weeks and parts of the day we map ourselves. `now` is always passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import dateparser

from actions.formatting import LOCAL

PARTS_OF_DAY = {
    "morning": (time(7), time(12)),
    "afternoon": (time(12), time(18)),
}
PART_WORDS = [
    (r"\bformiddag\w*|\bmorgen(en)?\b(?<!i morgen)|\bmorning\b", "morning"),
    (r"\beftermiddag\w*|\bafternoon\b", "afternoon"),
]
WEEKDAY_WORDS = {
    "mandag": 0,
    "tirsdag": 1,
    "onsdag": 2,
    "torsdag": 3,
    "fredag": 4,
    "lørdag": 5,
    "søndag": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}


@dataclass(frozen=True)
class TimePreference:
    """Local dates first_day..last_day (inclusive), optionally a part of the day or a time."""

    first_day: date
    last_day: date
    part_of_day: str | None = None
    at: time | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "part_of_day": self.part_of_day,
            "at": self.at.strftime("%H:%M") if self.at else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> TimePreference:
        at = data.get("at")
        return cls(
            date.fromisoformat(data["first_day"]),
            date.fromisoformat(data["last_day"]),
            data.get("part_of_day"),
            time.fromisoformat(at) if at else None,
        )

    def matches(self, start: datetime) -> bool:
        local = start.astimezone(LOCAL)
        if not self.first_day <= local.date() <= self.last_day:
            return False
        if self.part_of_day:
            begin, end = PARTS_OF_DAY[self.part_of_day]
            return begin <= local.time() < end
        return True


def normalise(text: str) -> str:
    """Rewrite Danish phrasing dateparser misreads into phrasing it understands."""
    text = text.lower().strip()
    text = re.sub(r"\bkl\.?\s*(\d{1,2})[.:](\d{2})\b", r"\1:\2", text)
    text = re.sub(r"\bkl\.?\s*(\d{1,2})\b", r"\1:00", text)
    text = re.sub(r"\b(\d{1,2})\.(\d{2})\b", r"\1:\2", text)
    text = text.replace("i overmorgen", "om 2 dage").replace("overmorgen", "om 2 dage")
    text = re.sub(
        r"\b(på|næste|naeste|den|om|i|in|the|on|at|next)\b(?! \d+ dage| morgen)", " ", text
    )
    return re.sub(r"\s+", " ", text).strip()


def _part_of_day(text: str) -> str | None:
    for pattern, part in PART_WORDS:
        if re.search(pattern, text):
            return part
    return None


def _strip_part_of_day(text: str) -> str:
    for pattern, _ in PART_WORDS:
        text = re.sub(pattern, " ", text)
    return text


def parse_preference(text: str, now: datetime) -> TimePreference | None:
    """A window to search for free slots, or None when the text names no time."""
    lowered = text.lower()
    today = now.astimezone(LOCAL).date()
    part = _part_of_day(lowered)
    if re.search(r"\bnæste uge\b|\bnaeste uge\b|\bnext week\b", lowered):
        monday = today + timedelta(days=7 - today.weekday())
        return TimePreference(monday, monday + timedelta(days=6), part)
    if re.search(r"\bdenne uge\b|\bi denne uge\b|\bthis week\b", lowered):
        return TimePreference(today, today + timedelta(days=6 - today.weekday()), part)
    if re.search(r"første|forste|tidligst|hurtigst|snarest|earliest|first|soon", lowered):
        return TimePreference(today, today + timedelta(days=13), part)
    if re.search(r"\bi morgen\b|\bimorgen\b|\btomorrow\b", lowered):
        day = today + timedelta(days=1)
        return TimePreference(day, day, part, _time_in(lowered))
    if re.search(r"\bi dag\b|\bidag\b|\btoday\b", lowered):
        return TimePreference(today, today, part, _time_in(lowered))
    for word, weekday in WEEKDAY_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            ahead = (weekday - today.weekday()) % 7 or 7
            day = today + timedelta(days=ahead)
            return TimePreference(day, day, part, _time_in(lowered))
    cleaned = _strip_part_of_day(normalise(lowered)).strip()
    if cleaned:
        parsed = dateparser.parse(
            cleaned,
            languages=["da", "en"],
            settings={
                "PREFER_DATES_FROM": "future",
                "RELATIVE_BASE": now.astimezone(LOCAL).replace(tzinfo=None),
                "REQUIRE_PARTS": [],
            },
        )
        if parsed is not None and parsed.date() >= today:
            at = (
                parsed.time()
                if (parsed.hour, parsed.minute) != (0, 0) and _time_in(lowered)
                else None
            )
            return TimePreference(parsed.date(), parsed.date(), part, at)
    if part:  # "om eftermiddagen" alone: the next two weeks, that part of the day
        return TimePreference(today, today + timedelta(days=13), part)
    return None


def _time_in(text: str) -> time | None:
    match = re.search(r"\b(?:kl\.?\s*|at\s+)?(\d{1,2})[.:](\d{2})\b", text) or re.search(
        r"\bkl\.?\s*(\d{1,2})\b|\bat (\d{1,2})\b", text
    )
    if not match:
        return None
    groups = [g for g in match.groups() if g is not None]
    hour, minute = int(groups[0]), int(groups[1]) if len(groups) > 1 else 0
    if 0 <= hour < 24 and 0 <= minute < 60:
        return time(hour, minute)
    return None
