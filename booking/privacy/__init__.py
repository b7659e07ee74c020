"""Privacy: what the municipality may hold about a citizen, and the proof that it behaved.

Consent texts and the append-only consent records (`consent`), the audit log of who saw or
changed what (`audit`), what the citizen's rights mean for the data held: the export and the
anonymisation (`personal_data`), and retention, which anonymises when a booking's time is up
(`retention`). The assistant's conversations are deleted through `conversations`. Who may
exercise the rights (the manage token) is `booking.bookings.data_rights`.
"""

from booking.privacy.audit import record_event
from booking.privacy.consent import (
    ALL_PURPOSES,
    REQUIRED_PURPOSES,
    ConsentGiven,
    TextInForce,
    active_texts,
    has_active_consent,
    publish_text,
    record_consents,
    text_hash,
    texts_in_force,
    withdraw_consent,
)
from booking.privacy.conversations import ConversationStore
from booking.privacy.personal_data import anonymise_booking, export_booking
from booking.privacy.retention import (
    DueBooking,
    RetentionReport,
    apply_retention,
    due_for_retention,
)

__all__ = [
    "ALL_PURPOSES",
    "REQUIRED_PURPOSES",
    "ConsentGiven",
    "ConversationStore",
    "DueBooking",
    "RetentionReport",
    "TextInForce",
    "active_texts",
    "anonymise_booking",
    "apply_retention",
    "due_for_retention",
    "export_booking",
    "has_active_consent",
    "publish_text",
    "record_consents",
    "record_event",
    "text_hash",
    "texts_in_force",
    "withdraw_consent",
]
