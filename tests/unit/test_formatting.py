"""Meeting times read naturally in Danish and English, in Copenhagen time, across DST."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.meetings import when, when_da, when_en

WINTER = datetime(2026, 12, 1, 8, 45, tzinfo=UTC)  # 09:45 in Copenhagen (UTC+1)
SUMMER = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)  # 10:00 in Copenhagen (UTC+2)


def test_danish_long_form_names_weekday_day_month_and_time_with_a_dot() -> None:
    assert when_da(WINTER) == "tirsdag 1. december kl. 9.45"
    assert when_da(SUMMER) == "tirsdag 4. maj kl. 10.00"


def test_danish_short_form_abbreviates_months_with_a_full_stop_but_not_maj() -> None:
    assert when_da(WINTER, short=True) == "tirsdag 1. dec. kl. 09.45"
    assert when_da(SUMMER, short=True) == "tirsdag 4. maj kl. 10.00"


def test_english_forms() -> None:
    assert when_en(WINTER) == "Tuesday 1 December at 9:45"
    assert when_en(SUMMER, short=True) == "Tuesday 4 May at 10:00"


def test_language_picks_the_form_and_danish_is_the_default() -> None:
    assert when(WINTER, "en") == when_en(WINTER)
    assert when(WINTER, "da") == when(WINTER, "xx") == when_da(WINTER)
