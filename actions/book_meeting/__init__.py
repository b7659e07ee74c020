"""Booking a meeting: the booking_form's questions, validation and the booking itself.

One module per step of the flow: `validate_form` (the citizen's answers), `questions` (asking
for a time and for consent), `offer_times` (free times as buttons, also used when moving a
meeting), `modes` (video, phone or in person, asked when the service offers several),
`submit` (the booking), `answers` (what the form collected, and stopping).
"""

from actions.book_meeting.answers import (
    PERSONAL_SLOTS,
    SKIPPED,
    ActionOutsideFlow,
    ActionStopBooking,
    clear_booking_slots,
)
from actions.book_meeting.modes import ActionAskMode, mode_in_text
from actions.book_meeting.offer_times import MAX_BUTTONS, offer_times, time_buttons
from actions.book_meeting.questions import (
    ActionAskCitizenEmail,
    ActionAskCitizenName,
    ActionAskCitizenPhone,
    ActionAskConsentGiven,
    ActionAskMeetingTime,
    ActionAskService,
)
from actions.book_meeting.submit import ActionSubmitBooking, booking_body, create_with_retry
from actions.book_meeting.validate_form import (
    ValidateBookingForm,
    normalise_phone,
    service_code,
)

__all__ = [
    "MAX_BUTTONS",
    "PERSONAL_SLOTS",
    "SKIPPED",
    "ActionAskCitizenEmail",
    "ActionAskCitizenName",
    "ActionAskCitizenPhone",
    "ActionAskConsentGiven",
    "ActionAskMode",
    "ActionAskMeetingTime",
    "ActionAskService",
    "ActionOutsideFlow",
    "ActionStopBooking",
    "ActionSubmitBooking",
    "ValidateBookingForm",
    "booking_body",
    "clear_booking_slots",
    "mode_in_text",
    "create_with_retry",
    "normalise_phone",
    "offer_times",
    "service_code",
    "time_buttons",
]
