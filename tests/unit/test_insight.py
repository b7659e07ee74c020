"""booking.insight without I/O: Copenhagen weeks across DST, rates, phrase sorting."""

from __future__ import annotations

from datetime import UTC, date, datetime

from booking.insight import WeekFigures, totals_by_service
from booking.insight.bookings import week_start
from booking.insight.phrases import frequent_phrases, read_only_url


def _message(text: str, intent: str, confidence: float, *ranking: tuple[str, float]) -> dict:
    return {
        "text": text,
        "parse_data": {
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        },
    }


def test_a_week_starts_on_monday_in_copenhagen_across_the_dst_change() -> None:
    # Sunday 29 March 2026 23:30 UTC is already Monday 30 March in Copenhagen (summer time)
    assert week_start(datetime(2026, 3, 29, 22, 30, tzinfo=UTC)) == date(2026, 3, 30)
    assert week_start(datetime(2026, 3, 29, 21, 30, tzinfo=UTC)) == date(2026, 3, 23)
    # Sunday 25 October 2026 after the change back: 23:30 UTC is Monday 00:30
    assert week_start(datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == date(2026, 10, 26)
    assert week_start(datetime(2026, 10, 25, 22, 30, tzinfo=UTC)) == date(2026, 10, 19)


def test_rates_are_zero_without_bookings_and_no_shows_count_only_held_meetings() -> None:
    assert WeekFigures("x", date(2026, 1, 5), 0, 0, 0).no_show_rate == 0.0
    week = WeekFigures("x", date(2026, 1, 5), 5, 1, 2)
    assert week.cancellation_rate == 0.2 and week.no_show_rate == 0.5
    everything_cancelled = WeekFigures("x", date(2026, 1, 5), 2, 2, 0)
    assert everything_cancelled.no_show_rate == 0.0


def test_totals_add_up_each_service_over_its_weeks() -> None:
    weeks = [
        WeekFigures("a", date(2026, 1, 5), 2, 1, 0),
        WeekFigures("b", date(2026, 1, 5), 1, 0, 1),
        WeekFigures("a", date(2026, 1, 12), 3, 0, 1),
    ]
    assert totals_by_service(weeks) == [
        WeekFigures("a", date(2026, 1, 5), 5, 1, 1),
        WeekFigures("b", date(2026, 1, 5), 1, 0, 1),
    ]


def test_phrases_are_counted_case_blind_most_frequent_first_without_payloads_or_markers():
    messages = [
        _message("Parkering?", "nlu_fallback", 0.6, ("nlu_fallback", 0.6), ("faq/cost", 0.3)),
        _message("parkering?", "nlu_fallback", 0.6),
        _message("hund", "nlu_fallback", 0.6),
        _message("/greet", "nlu_fallback", 0.6),
        _message("mit nummer er [telefon]", "nlu_fallback", 0.6),
        _message("måske", "affirm", 0.5),
        _message("ja tak", "affirm", 0.95),
        {"text": "", "parse_data": {}},
    ]
    fallback, unsure = frequent_phrases(messages)
    assert [(p.text, p.count) for p in fallback] == [("Parkering?", 2), ("hund", 1)]
    assert fallback[0].suggested_intent == "faq/cost" and fallback[1].suggested_intent is None
    assert [(p.text, p.suggested_intent, p.language) for p in unsure] == [("måske", "affirm", "da")]


def test_the_sqlite_tracker_database_is_opened_read_only() -> None:
    assert read_only_url("sqlite:////srv/instance/conversations.db") == (
        "sqlite:///file:/srv/instance/conversations.db?mode=ro&uri=true"
    )
    assert read_only_url("postgresql://rasa@db/conv") == "postgresql+psycopg://rasa@db/conv"
