"""Meeting modes as availability sees them: which modes a service offers, and which of a
caseworker's working intervals hold meetings of a mode (e.g. in person only on office days).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from booking.errors import ValidationFailed
from booking.i18n import N_
from booking.models import MeetingMode

MODES = tuple(m.value for m in MeetingMode)
DEFAULT_MODE = MeetingMode.VIDEO.value

UNKNOWN_MODE = N_("The meeting mode must be video, phone or in_person.")
NOT_OFFERED = N_("The service does not offer that meeting mode.")


class OffersModes(Protocol):
    """A service, as stored or as slot search keeps it in memory."""

    @property
    def modes(self) -> Sequence[str] | None: ...


def service_modes(service: OffersModes) -> list[str]:
    """The modes `service` offers, in its order; a service without any offers video."""
    offered = [m for m in (service.modes or []) if m in MODES]
    return offered or [DEFAULT_MODE]


def check_mode(service: OffersModes, mode: str | None, *, field: str = "mode") -> str:
    """`mode` (default video) when `service` offers it; `ValidationFailed` naming `field`."""
    chosen = DEFAULT_MODE if mode is None else mode
    if chosen not in MODES:
        raise ValidationFailed(UNKNOWN_MODE, field=field)
    if chosen not in service_modes(service):
        raise ValidationFailed(NOT_OFFERED, field=field)
    return chosen


def parse_modes(values: Iterable[str] | None) -> list[str] | None:
    """A list of modes for a service or a working interval, checked; None or empty: None."""
    chosen = [v for v in dict.fromkeys(values or ()) if v]
    if not chosen:
        return None
    if any(v not in MODES for v in chosen):
        raise ValidationFailed(UNKNOWN_MODE, field="modes")
    return chosen


def holds_mode(interval_modes: Sequence[str] | None, mode: str | None) -> bool:
    """True when a working interval limited to `interval_modes` (None: all) can hold `mode`."""
    return mode is None or not interval_modes or mode in interval_modes
