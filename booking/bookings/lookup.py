"""Finding one's booking again without the link: reference + phone → a one-time code by SMS.

The code is exchanged for a new manage token, which is how the assistant lets a citizen
cancel or move a booking. Every answer is the same whether or not a booking matched.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.bookings import tokens
from booking.bookings.phone import normalise_phone
from booking.db import Database
from booking.errors import CodeRejected, ValidationFailed
from booking.i18n import N_, translate
from booking.models import Booking, BookingStatus, OneTimeCode
from booking.notify import SmsError, SmsSender
from booking.privacy import record_event

log = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 3
CODE_REJECTED = N_("The code is wrong or has expired. Ask for a new code.")


def start_lookup(
    db: Database, reference: str, phone: str, *, now: datetime, sms_sender: SmsSender
) -> None:
    """Send a one-time code to the booking's phone when reference and phone match.

    Always returns the same way, so the caller learns nothing about which bookings exist.
    At most three codes an hour go to one booking; a new code replaces the previous one.
    The SMS is sent after the commit, so a code that is not stored is never sent.
    """
    canonical = tokens.parse_reference(reference)
    if canonical is None:
        raise ValidationFailed(
            N_("The booking reference looks like ABCD-2345."),
            field="reference",
        )
    number = normalise_phone(phone, field="phone")
    with db.transaction(immediate=True) as session:
        # Locked (PostgreSQL; SQLite's IMMEDIATE already serialises), so lookups arriving at
        # once in several workers count each other's codes against the hourly limit.
        booking = session.scalar(
            select(Booking)
            .where(
                Booking.reference == canonical,
                Booking.citizen_phone == number,
                Booking.status == BookingStatus.CONFIRMED.value,
                Booking.end_at > now,
            )
            .with_for_update()
        )
        if booking is None:
            return
        recent = session.scalar(
            select(func.count())
            .select_from(OneTimeCode)
            .where(
                OneTimeCode.booking_id == booking.id,
                OneTimeCode.created_at > now - timedelta(hours=1),
            )
        )
        if (recent or 0) >= MAX_CODES_PER_HOUR:
            log.info("lookup code limit reached for booking %s", booking.id)
            return
        for old in _open_codes(session, booking.id, now):
            old.consumed_at = now
        code = tokens.new_one_time_code()
        session.add(
            OneTimeCode(
                booking_id=booking.id,
                code_hash=tokens.hash_one_time_code(canonical, code),
                created_at=now,
                expires_at=now + CODE_LIFETIME,
                failed_attempts=0,
            )
        )
        language = booking.language
    try:
        sms_sender.send(number, _code_message(code, language), reference=canonical)
    except SmsError:
        log.warning("one-time code SMS for %s could not be sent", canonical, exc_info=True)


def _code_message(code: str, language: str) -> str:
    return translate(
        language, "Your code for your booking is %(code)s. It is valid for 10 minutes.", code=code
    )


def _open_codes(session: Session, booking_id: int, now: datetime) -> list[OneTimeCode]:
    return list(
        session.scalars(
            select(OneTimeCode)
            .where(
                OneTimeCode.booking_id == booking_id,
                OneTimeCode.consumed_at.is_(None),
                OneTimeCode.expires_at > now,
            )
            .order_by(OneTimeCode.id.desc())
            .with_for_update()
        )
    )


def confirm_lookup(db: Database, reference: str, code: str, *, now: datetime) -> str:
    """Exchange a correct one-time code for a new manage token (the old one stops working).

    A wrong code counts against the code even though the request fails; after five wrong
    tries, or ten minutes, the code is dead. Every failure is the same `CodeRejected`.
    """
    canonical = tokens.parse_reference(reference)
    digits = tokens.normalise_code(code)
    if canonical is None or digits is None:
        raise CodeRejected(CODE_REJECTED, field="code")
    with db.transaction(immediate=True) as session:
        booking = session.scalar(
            select(Booking)
            .where(Booking.reference == canonical, Booking.status == BookingStatus.CONFIRMED.value)
            .with_for_update()
        )
        open_codes = _open_codes(session, booking.id, now) if booking is not None else []
        current = open_codes[0] if open_codes else None
        if booking is None or current is None or current.failed_attempts >= MAX_CODE_ATTEMPTS:
            raise CodeRejected(CODE_REJECTED, field="code")
        if not tokens.secret_matches_hash(
            tokens.hash_one_time_code(canonical, digits), current.code_hash
        ):
            current.failed_attempts += 1
            rejected = True
        else:
            current.consumed_at = now
            token, booking.lookup_token_hash = tokens.new_manage_token()
            booking.updated_at = now
            record_event(
                session,
                actor_type="citizen",
                actor_id=None,
                action="booking.lookup_token_issued",
                booking_id=booking.id,
                now=now,
            )
            rejected = False
    # The failed attempt is committed above, before the error is raised.
    if rejected:
        raise CodeRejected(CODE_REJECTED, field="code")
    return token
