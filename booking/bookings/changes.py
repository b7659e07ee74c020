"""Changing a booking: the citizen or staff cancel or move it; staff mark how the meeting
went and keep a private note. Every change is audited and the citizen is told through the
outbox; moving keeps the same no-double-booking guarantees as booking.
"""

from __future__ import annotations

from datetime import datetime

from booking.bookings.access import (
    Auth,
    BookingView,
    ManageToken,
    StaffPrincipal,
    audit_booking,
    authorised_booking,
    require_staff,
)
from booking.bookings.placement import place
from booking.bookings.request import BookingSettings, has_control_characters, require_offset
from booking.db import Database
from booking.errors import InvalidState, ValidationFailed
from booking.i18n import N_
from booking.meetings import room_for
from booking.models import Booking, BookingStatus
from booking.notify import on_booking_cancelled, on_booking_rescheduled
from booking.slots import COPENHAGEN, ServiceRules, check_mode, check_start

MAX_REASON_LENGTH = 500
MAX_NOTE_LENGTH = 5000


def cancel(
    db: Database,
    reference: str,
    *,
    auth: Auth,
    reason: str | None,
    now: datetime,
    settings: BookingSettings,
) -> BookingView:
    """Cancel a confirmed future booking. InvalidState if cancelled, finished or started."""
    reason = (reason or "").strip() or None
    if reason is not None and (
        len(reason) > MAX_REASON_LENGTH or has_control_characters(reason, allow="\n\r\t")
    ):
        raise ValidationFailed(
            N_("The reason is too long or has invalid characters (at most 500)."),
            field="reason",
        )
    with db.transaction(immediate=True) as session:
        booking = authorised_booking(session, reference, auth, lock=True)
        _require_changeable(booking, now)
        booking.status = BookingStatus.CANCELLED.value
        booking.cancelled_at = now
        booking.cancel_reason = reason
        booking.cancelled_by = "citizen" if isinstance(auth, ManageToken) else auth.role
        booking.sequence += 1
        booking.updated_at = now
        session.flush()
        audit_booking(session, auth, "booking.cancel", booking, now)
        on_booking_cancelled(session, booking, now=now, settings=settings.notify)
        return BookingView.of(booking, staff=isinstance(auth, StaffPrincipal))


def reschedule(
    db: Database,
    reference: str,
    new_start: datetime | None,
    *,
    auth: Auth,
    now: datetime,
    settings: BookingSettings,
    mode: str | None = None,
) -> BookingView:
    """Move a confirmed future booking to another free time, or another mode, of its service.

    Changing the mode is a move: the same rules and guarantees hold (someone must hold
    meetings of that mode then), it is audited and the citizen is told. `new_start` None keeps
    the time. The booking keeps its caseworker when they are free, otherwise the least-loaded
    free one takes it. Only a video meeting keeps (or gets) a Jitsi room.
    """
    if new_start is None and mode is None:
        raise ValidationFailed(
            N_("Give a new time or a new meeting mode."),
            field="start",
        )
    if new_start is not None:
        require_offset(new_start)
    with db.transaction(immediate=True) as session:
        booking = authorised_booking(session, reference, auth, lock=True)
        _require_changeable(booking, now)
        new_mode = booking.mode if mode is None else check_mode(booking.service, mode)
        target = booking.start_at if new_start is None else new_start
        if target == booking.start_at and new_mode == booking.mode:
            raise ValidationFailed(
                N_("The booking is already at that time."),
                field="start" if mode is None else "mode",
            )
        rules = ServiceRules.from_service(booking.service)
        check_start(rules, target, now=now)
        previous_start, previous_mode = booking.start_at, booking.mode
        start = target.astimezone(COPENHAGEN)

        def write(caseworker_id: int) -> Booking:
            booking.start_at = start
            booking.end_at = start + rules.duration
            booking.caseworker_id = caseworker_id
            if new_mode != booking.mode:
                booking.mode = new_mode
                booking.room_name = room_for(new_mode)
            return booking

        place(
            session,
            booking.service,
            rules,
            start,
            write=write,
            now=now,
            exclude_booking_id=booking.id,
            prefer=booking.caseworker_id,
            mode=new_mode,
        )
        booking.sequence += 1
        booking.updated_at = now
        session.flush()
        session.expire(booking, ["caseworker"])  # may have changed: its address is used below
        detail = {"mode": new_mode, "previous_mode": previous_mode} if mode is not None else {}
        audit_booking(session, auth, "booking.reschedule", booking, now, **detail)
        on_booking_rescheduled(
            session,
            booking,
            previous_start=previous_start,
            previous_mode=previous_mode,
            now=now,
            settings=settings.notify,
        )
        return BookingView.of(booking, staff=isinstance(auth, StaffPrincipal))


def _require_changeable(booking: Booking, now: datetime) -> None:
    if booking.status != BookingStatus.CONFIRMED.value:
        raise InvalidState(
            N_("The booking is already cancelled or finished."),
            field="status",
        )
    if booking.start_at <= now:
        raise InvalidState(
            N_("The meeting has started or is over and cannot be changed."),
            field="start",
        )


def mark_completed(
    db: Database, reference: str, *, auth: StaffPrincipal, now: datetime
) -> BookingView:
    """The caseworker records that the meeting took place."""
    return _mark(db, reference, BookingStatus.COMPLETED, auth=auth, now=now)


def mark_no_show(
    db: Database, reference: str, *, auth: StaffPrincipal, now: datetime
) -> BookingView:
    """The caseworker records that the citizen did not turn up."""
    return _mark(db, reference, BookingStatus.NO_SHOW, auth=auth, now=now)


def _mark(
    db: Database, reference: str, status: BookingStatus, *, auth: StaffPrincipal, now: datetime
) -> BookingView:
    require_staff(auth)
    with db.transaction(immediate=True) as session:
        booking = authorised_booking(session, reference, auth, lock=True)
        if booking.status != BookingStatus.CONFIRMED.value:
            raise InvalidState(
                N_("Only a confirmed booking can be marked."),
                field="status",
            )
        if booking.start_at > now:
            raise InvalidState(N_("The meeting has not started yet."), field="status")
        booking.status = status.value
        booking.updated_at = now
        session.flush()
        audit_booking(session, auth, f"booking.mark_{status.value}", booking, now)
        return BookingView.of(booking, staff=True)


def set_note(
    db: Database, reference: str, note: str, *, auth: StaffPrincipal, now: datetime
) -> BookingView:
    """Replace the caseworker's private note on a booking (never shown to the citizen)."""
    require_staff(auth)
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH or has_control_characters(note, allow="\n\r\t"):
        raise ValidationFailed(
            N_("The note is too long or has invalid characters (at most 5000)."),
            field="note",
        )
    with db.transaction(immediate=True) as session:
        booking = authorised_booking(session, reference, auth, lock=True)
        booking.caseworker_note = note or None
        booking.updated_at = now
        session.flush()
        audit_booking(session, auth, "booking.note", booking, now, length=len(note))
        return BookingView.of(booking, staff=True)
