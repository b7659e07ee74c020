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

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session, make_transient_to_detached

from booking.bookings import idempotency, tokens
from booking.bookings.access import BookingView
from booking.bookings.placement import place
from booking.bookings.request import BookingRequest, BookingSettings, clean_request
from booking.db import Database
from booking.errors import NotFound
from booking.i18n import N_
from booking.meetings import room_for
from booking.models import Booking, BookingStatus, Service, core_table
from booking.notify import NotifySettings, on_booking_created
from booking.privacy import TextInForce, record_consents, texts_in_force
from booking.settings.municipality import municipality_facts
from booking.slots import COPENHAGEN, DEFAULT_MODE, ServiceRules, check_mode, check_start
from booking.slots.cache import ScheduleCache, cache_for


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
        # What rarely changes comes from the process's cache, current as of this transaction.
        cache = cache_for(session)
        version = cache.version(session)
        service = _active_service(session, cache, version, request.service)
        mode = check_mode(service, request.mode)
        rules = ServiceRules.from_service(service)
        start = request.start.astimezone(COPENHAGEN)
        check_start(rules, start, now=now)
        token, token_hash = tokens.new_manage_token()
        reference, room_name = tokens.new_reference(), room_for(mode)

        def write(caseworker_id: int) -> Booking:
            values = {
                "reference": reference,
                "service_id": service.id,
                "caseworker_id": caseworker_id,
                "start_at": start,
                "end_at": start + rules.duration,
                "status": BookingStatus.CONFIRMED.value,
                "citizen_name": request.name,
                "citizen_phone": request.phone,
                "citizen_email": request.email,
                "language": request.language,
                "channel": request.channel,
                "conversation_id": request.conversation_id,
                "mode": mode,
                "room_name": room_name,
                "manage_token_hash": token_hash,
                "lookup_token_hash": None,
                "sequence": 0,
                "caseworker_note": None,
                "cancel_reason": None,
                "cancelled_by": None,
                "created_at": now,
                "updated_at": now,
                "cancelled_at": None,
                "anonymised_at": None,
            }
            # One INSERT, without the unit of work; the row then joins the session as loaded.
            booking_id = session.scalar(_INSERT_BOOKING, values)
            booking = Booking(id=booking_id, service=service, consents=[], **values)
            make_transient_to_detached(booking)  # as if read: nothing left to flush
            session.add(booking)
            return booking

        schedule = cache.service_at(session, service.code, version=version)
        booking = place(
            session, service, rules, start, write=write, now=now, mode=mode, schedule=schedule
        )
        record_consents(
            session,
            booking,
            request.consents,
            channel=request.channel,
            now=now,
            in_force=_texts_in_force(session, cache, version, booking.language),
        )
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
            settings=_with_stored_facts(session, cache, version, settings.notify),
            manage_token=token,
        )
    return created


def _with_stored_facts(
    session: Session, cache: ScheduleCache, version: int | None, notify: NotifySettings
) -> NotifySettings:
    """The municipality's name and phone as administrators last stored them, as of the
    booking's own transaction (the caller's settings may hold only the configured defaults)."""
    configured = (notify.municipality_name, notify.municipality_phone)

    def load(s: Session) -> tuple[str, str]:
        facts = municipality_facts(s, {"name": configured[0], "phone": configured[1]})
        return facts["name"], facts["phone"]

    name, phone = cache.get(session, ("municipality", configured), load, version=version)
    return replace(notify, municipality_name=name, municipality_phone=phone)


def _texts_in_force(
    session: Session, cache: ScheduleCache, version: int | None, language: str
) -> dict[str, TextInForce]:
    def load(s: Session) -> dict[str, TextInForce]:
        return texts_in_force(s, language)

    return cache.get(session, ("consent_texts", language), load, version=version)


# Built once: a statement object keeps its cache key, so it is not built or keyed again.
_BOOKINGS = core_table(Booking)
_INSERT_BOOKING = insert(_BOOKINGS).returning(_BOOKINGS.c.id)
_ACTIVE_SERVICE = select(Service).where(Service.code == bindparam("code"), Service.active)


def _active_service(
    session: Session, cache: ScheduleCache, version: int | None, code: str
) -> Service:
    """The active service `code` in `session`: a copy of the process's cached row (no SQL),
    which is detached and never changed itself."""

    def load(s: Session) -> Service | None:
        found = s.scalar(_ACTIVE_SERVICE, {"code": code})
        if found is not None:
            s.expunge(found)  # the cached row belongs to no session
        return found

    cached = cache.get(session, ("service", code), load, version=version)
    if cached is None:
        raise NotFound(N_("The service does not exist."), field="service")
    return session.merge(cached, load=False)
