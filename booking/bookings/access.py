"""Who may see or act on a booking: the citizen by their manage token, staff by their role.

An unknown reference and a wrong token give the same answer, so neither can be probed; a
caseworker sees only their own meetings, an admin every one. Staff reads are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.bookings import tokens
from booking.db import Database
from booking.errors import NotAllowed, NotFound
from booking.i18n import N_
from booking.meetings import MeetingPlace, meeting_place
from booking.models import Booking, Role
from booking.privacy import record_event

BAD_LINK = N_("The link to the booking is invalid or has expired.")


@dataclass(frozen=True)
class ManageToken:
    """The citizen, proven by the manage token from their confirmation."""

    token: str


@dataclass(frozen=True)
class StaffPrincipal:
    """A logged-in caseworker or admin."""

    user_id: int
    caseworker_id: int | None
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value


Auth = ManageToken | StaffPrincipal


@dataclass(frozen=True)
class BookingView:
    """A booking as its citizen or a member of staff may see it."""

    id: int
    reference: str
    service: str
    service_name: dict[str, str]
    start: datetime
    end: datetime
    status: str
    citizen_name: str | None
    citizen_phone: str | None
    citizen_email: str | None
    language: str
    channel: str
    caseworker_id: int
    mode: str
    room_name: str | None
    sequence: int
    cancel_reason: str | None
    caseworker_note: str | None  # None unless the viewer is staff
    # Where an in-person meeting is held, per language ("da", "en"); None for other modes.
    place: dict[str, MeetingPlace] | None = None

    @classmethod
    def of(cls, booking: Booking, *, staff: bool) -> BookingView:
        return cls(
            id=booking.id,
            reference=booking.reference,
            service=booking.service.code,
            service_name={"da": booking.service.name_da, "en": booking.service.name_en},
            start=booking.start_at,
            end=booking.end_at,
            status=booking.status,
            citizen_name=booking.citizen_name,
            citizen_phone=booking.citizen_phone,
            citizen_email=booking.citizen_email,
            language=booking.language,
            channel=booking.channel,
            caseworker_id=booking.caseworker_id,
            mode=booking.mode,
            room_name=booking.room_name,
            sequence=booking.sequence,
            cancel_reason=booking.cancel_reason,
            caseworker_note=booking.caseworker_note if staff else None,
            place=_places(booking),
        )


def _places(booking: Booking) -> dict[str, MeetingPlace] | None:
    if (place_da := meeting_place(booking, "da")) is None:
        return None
    return {"da": place_da, "en": meeting_place(booking, "en") or place_da}


def authorised_booking(
    session: Session, reference: str, auth: Auth, *, lock: bool = False
) -> Booking:
    """The booking `auth` may act on; NotAllowed for a bad token, NotFound for staff."""
    canonical = tokens.parse_reference(reference)
    query = select(Booking).where(Booking.reference == (canonical or ""))
    if lock:
        query = query.with_for_update()
    booking = session.scalar(query) if canonical else None
    if isinstance(auth, ManageToken):
        # An unknown reference and a wrong token look the same, so neither can be probed.
        if booking is None or not (
            tokens.secret_matches(auth.token, booking.manage_token_hash)
            or tokens.secret_matches(auth.token, booking.lookup_token_hash)
        ):
            raise NotAllowed(BAD_LINK, field="X-Manage-Token")
        return booking
    if booking is None:
        raise NotFound(N_("The booking does not exist."), field="reference")
    if not auth.is_admin and booking.caseworker_id != auth.caseworker_id:
        raise NotAllowed(
            N_("The booking belongs to another caseworker."),
        )
    return booking


def audit_booking(
    session: Session, auth: Auth, action: str, booking: Booking, now: datetime, **detail: Any
) -> None:
    """Write `action` on `booking` to the audit log, as the citizen or the staff member."""
    if isinstance(auth, StaffPrincipal):
        actor_type, actor_id = "user", str(auth.user_id)
    else:
        actor_type, actor_id = "citizen", None
    record_event(
        session,
        actor_type=actor_type,
        actor_id=actor_id,
        action=action,
        booking_id=booking.id,
        detail=detail,
        now=now,
    )


def require_staff(auth: Auth) -> None:
    """NotAllowed unless `auth` is a member of staff."""
    if not isinstance(auth, StaffPrincipal):
        raise NotAllowed(N_("Only staff can do this."))


def get(db: Database, reference: str, *, auth: Auth, now: datetime) -> BookingView:
    """The booking, for its citizen or for staff (a staff read is written to the audit log)."""
    with db.transaction() as session:
        booking = authorised_booking(session, reference, auth)
        if isinstance(auth, StaffPrincipal):
            audit_booking(session, auth, "booking.view", booking, now)
        return BookingView.of(booking, staff=isinstance(auth, StaffPrincipal))
