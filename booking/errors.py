"""Named domain errors. The web layer maps each to an HTTP status and a message in the
language of the request (`in_language`)."""

from __future__ import annotations

from typing import Any

from booking.i18n import translate


class BookingError(Exception):
    """Base for every error the domain raises on purpose.

    `message` is an English message id marked with `N_` (so it lands in the catalogues), with
    `%(name)s` placeholders filled from `params`; `.message` is the English text (for logs),
    `.in_language(language)` the text a person reads.
    """

    code = "booking_error"

    def __init__(self, message: str, *, field: str | None = None, **params: Any) -> None:
        self.template, self.params, self.field = message, params, field
        self.message = translate("en", message, **params)
        super().__init__(self.message)

    def in_language(self, language: str | None) -> str:
        return translate(language, self.template, **self.params)


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
