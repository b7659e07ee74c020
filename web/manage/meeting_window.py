"""What the manage page says about joining: is the meeting window open, and when it opens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from booking.meetings import JitsiSettings, MeetingState, meeting_state, meeting_window
from booking.models import Booking


@dataclass(frozen=True)
class JoinState:
    state: str  # a MeetingState value
    opens_at: datetime
    closes_at: datetime
    open_before_minutes: int

    @property
    def can_join(self) -> bool:
        return self.state == MeetingState.OPEN.value


def join_state(booking: Booking, config: Any, *, now: datetime) -> JoinState:
    settings = JitsiSettings.from_mapping(config)
    window = meeting_window(booking, settings)
    return JoinState(
        state=meeting_state(booking, settings, now=now).value,
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        open_before_minutes=int(settings.open_before.total_seconds() // 60),
    )
