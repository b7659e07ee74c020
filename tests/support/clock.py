"""A settable clock for `app.extensions["clock"]`, so rules about time need no sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A Wednesday in November (no DST change nearby), 07:00 UTC = 08:00 in Copenhagen.
NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)


class Clock:
    """Stands still at `now` until a test moves it (`clock.now = …` or `clock.advance(…)`)."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
