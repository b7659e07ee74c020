"""The citizen's rights over their booking data, exercised with the manage token.

See (art. 15), take away (art. 20), erase (art. 17) and withdraw consent (art. 7(3)): each
is as easy as booking was, through the manage link in the confirmation. What an export holds
and what erasure removes is `booking.privacy`'s; this module is who may ask for it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from booking.bookings.access import ManageToken, audit_booking, authorised_booking
from booking.db import Database
from booking.errors import InvalidState
from booking.i18n import N_
from booking.models import BookingStatus, ConsentPurpose
from booking.notify import stop_booking_sms_reminders
from booking.privacy import (
    ConversationStore,
    anonymise_booking,
    export_booking,
    withdraw_consent,
)


def export(db: Database, reference: str, *, auth: ManageToken, now: datetime) -> dict[str, Any]:
    """Everything held about the citizen of this booking, as JSON-ready data."""
    with db.transaction() as session:
        booking = authorised_booking(session, reference, auth)
        audit_booking(session, auth, "booking.export", booking, now)
        return export_booking(session, booking.id)


def withdraw_sms_reminders(
    db: Database, reference: str, *, auth: ManageToken, now: datetime
) -> bool:
    """Withdraw the SMS-reminder consent and void reminders not yet sent. False if none."""
    with db.transaction(immediate=True) as session:
        booking = authorised_booking(session, reference, auth, lock=True)
        changed = stop_booking_sms_reminders(session, booking, now=now, via="web")
        if changed:
            purpose = ConsentPurpose.SMS_REMINDERS.value
            audit_booking(session, auth, "consent.withdraw", booking, now, purpose=purpose)
        return changed


def withdraw_transcript(
    db: Database,
    reference: str,
    *,
    auth: ManageToken,
    now: datetime,
    conversations: ConversationStore | None = None,
) -> bool:
    """Withdraw the `chat_transcript` consent given in the conversation the booking was made in;
    the kept transcript (its encrypted originals) is deleted at once. False if none was active."""
    with db.transaction(immediate=True) as session:
        booking = authorised_booking(session, reference, auth, lock=True)
        purpose = ConsentPurpose.CHAT_TRANSCRIPT.value
        changed = withdraw_consent(booking, purpose, now=now, via="web")
        if changed:
            audit_booking(session, auth, "consent.withdraw", booking, now, purpose=purpose)
        conversation = booking.conversation_id
    if changed and conversations is not None and conversation:
        conversations.end_transcript(conversation)
    return changed


def erase(
    db: Database,
    reference: str,
    *,
    auth: ManageToken,
    now: datetime,
    conversations: ConversationStore | None = None,
) -> None:
    """Cancel the meeting if it is still ahead, then delete the citizen's personal data, and the
    assistant conversation the booking was made in (with a `conversations` store).

    No message is sent afterwards: the phone number and e-mail are gone. The manage token is
    replaced by an unknown one and the lookup token dropped, so no link works any more.
    """
    with db.transaction(immediate=True) as session:
        booking = authorised_booking(session, reference, auth, lock=True)
        if booking.anonymised_at is not None:
            raise InvalidState(N_("The data has already been deleted."))
        if booking.status == BookingStatus.CONFIRMED.value and booking.start_at > now:
            booking.status = BookingStatus.CANCELLED.value
            booking.cancelled_at = now
            booking.cancelled_by = "citizen"
            booking.sequence += 1
        anonymise_booking(
            session, booking, now=now, reason="citizen_request", conversations=conversations
        )
        booking.manage_token_hash = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        booking.lookup_token_hash = None
