"""Dates and times as Danish and English readers expect them, in Copenhagen time.

One place for how a meeting time is written, so an SMS, the meeting page and the manage page
never disagree; the words (weekdays, months) come from Babel's locale data (CLDR).
"""

from __future__ import annotations

from datetime import datetime

from booking.i18n import format_moment


def when_da(moment: datetime, *, short: bool = False) -> str:
    """'tirsdag 1. december kl. 9.45' ('tirsdag 1. dec. kl. 09.45' with short=True)."""
    return when(moment, "da", short=short)


def when_en(moment: datetime, *, short: bool = False) -> str:
    """'Tuesday 1 December at 9:45' ('Tuesday 1 Dec at 09:45' with short=True)."""
    return when(moment, "en", short=short)


def when(moment: datetime, language: str | None, *, short: bool = False) -> str:
    """The meeting time in `language` (Danish for any language we do not write in)."""
    return format_moment(moment, language, "when_short" if short else "when")
