"""Dates and times as Danish and English readers expect them, in Copenhagen time.

One place for the month and weekday names, so an SMS, the meeting page and the manage page
never disagree about how a meeting time is written.
"""

from __future__ import annotations

from datetime import datetime

from booking.slots import COPENHAGEN

WEEKDAYS_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTHS_DA = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _month_da(month: int, short: bool) -> str:
    name = MONTHS_DA[month - 1]
    # Danish abbreviations take a full stop, except the already short "maj".
    return name if not short or len(name) <= 3 else f"{name[:3]}."


def when_da(moment: datetime, *, short: bool = False) -> str:
    """'tirsdag 1. december kl. 9.45' ('tirsdag 1. dec. kl. 09.45' with short=True)."""
    local = moment.astimezone(COPENHAGEN)
    hour = f"{local.hour:02d}" if short else str(local.hour)
    return (
        f"{WEEKDAYS_DA[local.weekday()]} {local.day}. {_month_da(local.month, short)}"
        f" kl. {hour}.{local.minute:02d}"
    )


def when_en(moment: datetime, *, short: bool = False) -> str:
    """'Tuesday 1 December at 9:45' ('Tuesday 1 Dec at 09:45' with short=True)."""
    local = moment.astimezone(COPENHAGEN)
    month = MONTHS_EN[local.month - 1]
    hour = f"{local.hour:02d}" if short else str(local.hour)
    return (
        f"{WEEKDAYS_EN[local.weekday()]} {local.day} {month[:3] if short else month}"
        f" at {hour}:{local.minute:02d}"
    )


def when(moment: datetime, language: str, *, short: bool = False) -> str:
    return when_en(moment, short=short) if language == "en" else when_da(moment, short=short)
