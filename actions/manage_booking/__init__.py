"""Cancel, move, show or erase a booking: reference + phone → SMS code → manage token → the change.

The manage token lives in a slot only until the change is done (or the citizen stops). One
module per step: `validate_form` (reference, phone, code), `show` (the booking, and what comes
next), `cancel`, `reschedule`, `answers` (what the form collected, and stopping).
"""

from actions.manage_booking.answers import (
    MANAGE_SLOTS,
    ActionStopManage,
    ManageBookingAction,
    clear_manage_slots,
)
from actions.manage_booking.cancel import ActionCancelBooking, ActionKeepBooking
from actions.manage_booking.erase import ActionEraseData, ActionKeepData
from actions.manage_booking.reschedule import ActionRescheduleBooking
from actions.manage_booking.show import ActionManageBooking
from actions.manage_booking.validate_form import ValidateManageForm, find_reference

__all__ = [
    "MANAGE_SLOTS",
    "ActionCancelBooking",
    "ActionEraseData",
    "ActionKeepData",
    "ActionKeepBooking",
    "ActionManageBooking",
    "ActionRescheduleBooking",
    "ActionStopManage",
    "ManageBookingAction",
    "ValidateManageForm",
    "clear_manage_slots",
    "find_reference",
]
