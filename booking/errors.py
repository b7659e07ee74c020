"""Named domain errors. The web layer maps each to an HTTP status and a bilingual message."""

from __future__ import annotations


class BookingError(Exception):
    """Base for every error the domain raises on purpose."""

    code = "booking_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(BookingError):
    code = "validation_failed"


class NotFound(BookingError):
    code = "not_found"


class SlotUnavailable(BookingError):
    """The requested time is taken, outside working hours, or not on the slot grid."""

    code = "slot_unavailable"


class InvalidStart(BookingError):
    """The start is in the past, too soon, beyond the horizon or not aligned to the grid."""

    code = "invalid_start"


class ConsentMissing(BookingError):
    code = "consent_missing"


class NotAllowed(BookingError):
    """The caller may not do this to this booking (wrong token, wrong caseworker, wrong state)."""

    code = "not_allowed"


class InvalidState(BookingError):
    """The booking is not in a state that allows the change (e.g. cancelling twice)."""

    code = "invalid_state"


class CodeRejected(BookingError):
    """A one-time code was wrong, expired or used up."""

    code = "code_rejected"


class IdempotencyConflict(BookingError):
    """The same Idempotency-Key was reused with a different request body."""

    code = "idempotency_conflict"
