"""Booking a meeting: one transaction that checks the time, places the booking with the
least-loaded free caseworker, records the consents, keeps the idempotent answer and writes the
notifications to the outbox.

Each use case in this package is one transaction on the `Database` it is given; `now` and
collaborators come in as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.bookings import idempotency, tokens
from booking.bookings.access import BookingView
from booking.bookings.placement import place
from booking.bookings.request import BookingRequest, BookingSettings, clean_request
from booking.db import Database
from booking.errors import NotFound
from booking.i18n import N_
from booking.meetings import room_for
from booking.models import Booking, BookingStatus, Service
from booking.notify import NotifySettings, on_booking_created
from booking.privacy import record_consents
from booking.settings.municipality import municipality_facts
from booking.slots import COPENHAGEN, DEFAULT_MODE, ServiceRules, check_mode, check_start


@dataclass(frozen=True)
class BookingCreated:
    """The answer to a successful booking; `manage_token` is shown this once only."""

    reference: str
    manage_token: str
    service: str
    start: datetime
    end: datetime
    status: str
    language: str
    mode: str = DEFAULT_MODE
    replayed: bool = field(default=False, compare=False)
    # the booking as its citizen sees it, from the creating transaction (not kept for replays)
    view: BookingView | None = field(default=None, compare=False)

    def as_record(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "manage_token": self.manage_token,
            "service": self.service,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "status": self.status,
            "language": self.language,
            "mode": self.mode,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> BookingCreated:
        return cls(
            reference=record["reference"],
            manage_token=record["manage_token"],
            service=record["service"],
            start=datetime.fromisoformat(record["start"]),
            end=datetime.fromisoformat(record["end"]),
            status=record["status"],
            language=record["language"],
            mode=record.get("mode", DEFAULT_MODE),
            replayed=True,
        )


def book(
    db: Database,
    request: BookingRequest,
    *,
    now: datetime,
    settings: BookingSettings,
    idempotency_scope: str,
    idempotency_key: str | None = None,
) -> BookingCreated:
    """Book the meeting with the least-loaded free caseworker, in one transaction.

    Raises NotFound (service), InvalidStart (past, too soon, beyond the horizon, off the grid,
    nobody holds meetings of the mode then), SlotUnavailable (taken), ValidationFailed (also a
    mode the service does not offer), ConsentMissing, IdempotencyConflict. A retry
    with the same key and request returns the first result with `replayed=True`.
    """
    request = clean_request(request)
    cipher = idempotency.ResponseCipher(settings.secret_key)
    fingerprint = request.fingerprint()
    with db.transaction(immediate=True) as session:
        if idempotency_key is not None:
            idempotency.lock_key(session, idempotency_scope, idempotency_key)
            stored = idempotency.find_response(
                session,
                cipher,
                scope=idempotency_scope,
                key=idempotency_key,
                fingerprint=fingerprint,
                now=now,
            )
            if stored is not None:
                return BookingCreated.from_record(stored)
        service = _active_service(session, request.service)
        mode = check_mode(service, request.mode)
        rules = ServiceRules.from_service(service)
        start = request.start.astimezone(COPENHAGEN)
        check_start(rules, start, now=now)
        token, token_hash = tokens.new_manage_token()
        reference, room_name = tokens.new_reference(), room_for(mode)

        def write(caseworker_id: int) -> Booking:
            booking = Booking(
                reference=reference,
                service=service,
                caseworker_id=caseworker_id,
                start_at=start,
                end_at=start + rules.duration,
                status=BookingStatus.CONFIRMED.value,
                citizen_name=request.name,
                citizen_phone=request.phone,
                citizen_email=request.email,
                language=request.language,
                channel=request.channel,
                conversation_id=request.conversation_id,
                mode=mode,
                room_name=room_name,
                manage_token_hash=token_hash,
                sequence=0,
                created_at=now,
                updated_at=now,
                consents=[],  # new: known empty, so adding the consents never loads them
            )
            session.add(booking)
            return booking

        booking = place(session, service, rules, start, write=write, now=now, mode=mode)
        record_consents(session, booking, request.consents, channel=request.channel, now=now)
        created = BookingCreated(
            reference=booking.reference,
            manage_token=token,
            service=service.code,
            start=booking.start_at,
            end=booking.end_at,
            status=booking.status,
            language=booking.language,
            mode=booking.mode,
            view=BookingView.of(booking, staff=False),
        )
        if idempotency_key is not None:
            idempotency.save_response(
                session,
                cipher,
                scope=idempotency_scope,
                key=idempotency_key,
                fingerprint=fingerprint,
                response=created.as_record(),
                booking_id=booking.id,
                now=now,
            )
        on_booking_created(
            session,
            booking,
            now=now,
            settings=_with_stored_facts(session, settings.notify),
            manage_token=token,
        )
    return created


def _with_stored_facts(session: Session, notify: NotifySettings) -> NotifySettings:
    """The municipality's name and phone as administrators last stored them, read in the
    booking's own transaction (the caller's settings may hold only the configured defaults)."""
    configured = {"name": notify.municipality_name, "phone": notify.municipality_phone}
    facts = municipality_facts(session, configured)
    return replace(notify, municipality_name=facts["name"], municipality_phone=facts["phone"])


def _active_service(session: Session, code: str) -> Service:
    service = session.scalar(select(Service).where(Service.code == code, Service.active))
    if service is None:
        raise NotFound(N_("The service does not exist."), field="service")
    return service
