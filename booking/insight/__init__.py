"""What administrators learn from the figures: bookings per service per week with their no-show
and cancellation rates (`bookings`), and the phrases the assistant did not understand well in
recent conversations whose transcript may be kept (`phrases`).

Reads only: the booking database, and the assistant's tracker database without ever writing to
it or opening an encrypted original. Imports neither Flask nor Rasa.
"""

from booking.insight.bookings import WeekFigures, totals_by_service, weekly_figures
from booking.insight.phrases import (
    FALLBACK_INTENT,
    LOW_CONFIDENCE,
    Phrase,
    PhraseReader,
    add_phrase_as_example,
)

__all__ = [
    "FALLBACK_INTENT",
    "LOW_CONFIDENCE",
    "Phrase",
    "PhraseReader",
    "WeekFigures",
    "add_phrase_as_example",
    "totals_by_service",
    "weekly_figures",
]
