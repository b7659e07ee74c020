"""Bookings: the citizen's and the caseworker's use cases on a booking.

Book (`create`), view and who may (`access`: the manage token or a staff role), cancel, move,
mark and annotate (`changes`), find a booking again by reference and phone (`lookup`), and the
citizen's data rights with the manage token (`data_rights`); with what they need: placing a
booking with a free caseworker (`placement`), the checked request (`request`), idempotent
create (`idempotency`), the secrets handed to citizens (`tokens`) and phone numbers (`phone`).
"""

from booking.bookings.access import (
    BAD_LINK,
    Auth,
    BookingView,
    ManageToken,
    StaffPrincipal,
    authorised_booking,
    get,
)
from booking.bookings.changes import cancel, mark_completed, mark_no_show, reschedule, set_note
from booking.bookings.create import BookingCreated, book
from booking.bookings.data_rights import (
    erase,
    export,
    withdraw_sms_reminders,
    withdraw_transcript,
)
from booking.bookings.idempotency import check_key
from booking.bookings.lookup import confirm_lookup, start_lookup
from booking.bookings.phone import normalise_phone
from booking.bookings.request import BookingRequest, BookingSettings, clean_email, clean_name
from booking.bookings.tokens import new_manage_token, new_reference, parse_reference

__all__ = [
    "BAD_LINK",
    "Auth",
    "BookingCreated",
    "BookingRequest",
    "BookingSettings",
    "BookingView",
    "ManageToken",
    "StaffPrincipal",
    "authorised_booking",
    "book",
    "cancel",
    "check_key",
    "clean_email",
    "clean_name",
    "confirm_lookup",
    "erase",
    "export",
    "get",
    "mark_completed",
    "mark_no_show",
    "new_manage_token",
    "new_reference",
    "normalise_phone",
    "parse_reference",
    "reschedule",
    "set_note",
    "start_lookup",
    "withdraw_sms_reminders",
    "withdraw_transcript",
]
