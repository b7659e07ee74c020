"""Use cases on bookings: book, view, cancel, reschedule, the caseworker's marks, and lookup.

Each use case is one transaction on the `Database` it is given; `now` and collaborators come
in as arguments. Writes that must re-check what they read use an immediate transaction, which
on SQLite serialises writers; on PostgreSQL advisory locks per caseworker serialise the
re-check and the exclusion constraint of migration 0002 is the backstop.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.bookings import idempotency, tokens
from booking.bookings.lookup import confirm_lookup, start_lookup  # re-exported: a use case too
from booking.bookings.phone import normalise_phone
from booking.db import Database
from booking.errors import (
    InvalidStart,
    InvalidState,
    NotAllowed,
    NotFound,
    SlotUnavailable,
    ValidationFailed,
)
from booking.meetings import jitsi
from booking.models import Booking, BookingStatus, Channel, Role, Service
from booking.notify import outbox
from booking.privacy.audit import record_event
from booking.privacy.consent import ConsentGiven, record_consents
from booking.slots.engine import (
    COPENHAGEN,
    Interval,
    ServiceRules,
    check_start,
    free_caseworkers,
    local_midnight,
)
from booking.slots.search import load_schedules
from booking.staff.accounts import check_email

LANGUAGES = ("da", "en")
CHANNELS = tuple(c.value for c in Channel)
MAX_NAME_LENGTH = 200
MAX_REASON_LENGTH = 500
MAX_NOTE_LENGTH = 5000
CASEWORKER_LOCK_CLASS = 7302

TAKEN = (
    "Tidspunktet er desværre lige blevet booket. Vælg et andet. / "
    "Sorry, that time was just booked. Please choose another."
)
NOT_OFFERED = (
    "Tidspunktet kan ikke bookes: vælg en af de ledige tider. / "
    "That time cannot be booked: choose one of the free slots."
)
BAD_LINK = (
    "Linket til bookingen er ugyldigt eller udløbet. / "
    "The link to the booking is invalid or has expired."
)


# --- Who is asking -----------------------------------------------------------------------


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


# --- Inputs and results ------------------------------------------------------------------


@dataclass(frozen=True)
class BookingRequest:
    service: str
    start: datetime
    name: str
    phone: str
    email: str | None = None
    language: str = "da"
    channel: str = Channel.WEB.value
    consents: tuple[ConsentGiven, ...] = ()

    def fingerprint(self) -> str:
        return idempotency.request_fingerprint(
            {
                "service": self.service,
                "start": self.start.isoformat(),
                "name": self.name,
                "phone": self.phone,
                "email": self.email,
                "language": self.language,
                "channel": self.channel,
                "consents": sorted((c.purpose, c.text_version) for c in self.consents),
            }
        )


@dataclass(frozen=True)
class BookingSettings:
    """What the use cases need from configuration."""

    secret_key: str
    notify: outbox.NotifySettings

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> BookingSettings:
        """Read `SECRET_KEY` and the notification settings from e.g. `app.config`."""
        return cls(
            secret_key=str(config["SECRET_KEY"]), notify=outbox.NotifySettings.from_mapping(config)
        )


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
    replayed: bool = field(default=False, compare=False)

    def as_record(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "manage_token": self.manage_token,
            "service": self.service,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "status": self.status,
            "language": self.language,
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
            replayed=True,
        )


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
    room_name: str
    sequence: int
    cancel_reason: str | None
    caseworker_note: str | None  # None unless the viewer is staff

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
            room_name=booking.room_name,
            sequence=booking.sequence,
            cancel_reason=booking.cancel_reason,
            caseworker_note=booking.caseworker_note if staff else None,
        )


# --- Book --------------------------------------------------------------------------------


def has_control_characters(text: str, *, allow: str = "") -> bool:
    """True if `text` holds control characters (NUL would even be refused by PostgreSQL)."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allow for ch in text)


def clean_request(request: BookingRequest) -> BookingRequest:
    """Check and normalise the citizen's input; raises `ValidationFailed` naming the field."""
    name = " ".join(request.name.split()) if isinstance(request.name, str) else ""
    if not 1 <= len(name) <= MAX_NAME_LENGTH or has_control_characters(name):
        raise ValidationFailed(
            "Skriv dit navn (højst 200 tegn). / Enter your name (at most 200 characters).",
            field="citizen.name",
        )
    email = None
    if request.email not in (None, ""):
        try:
            email = check_email(str(request.email))
            if has_control_characters(email):
                raise ValidationFailed("Skriv en gyldig e-mailadresse. / Enter a valid e-mail.")
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field="citizen.email") from None
    if request.language not in LANGUAGES:
        raise ValidationFailed(
            "Sproget skal være 'da' eller 'en'. / Language must be 'da' or 'en'.",
            field="language",
        )
    if request.channel not in CHANNELS:
        raise ValidationFailed(
            "Kanalen skal være chat, web eller sms. / Channel must be chat, web or sms.",
            field="channel",
        )
    if request.start.tzinfo is None or request.start.utcoffset() is None:
        raise InvalidStart(
            "Tidspunktet skal angives med tidszone. / The time must include a UTC offset.",
            field="start",
        )
    return replace(request, name=name, phone=normalise_phone(request.phone), email=email)


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

    Raises NotFound (service), InvalidStart (past, too soon, beyond the horizon, off the grid),
    SlotUnavailable (taken), ValidationFailed, ConsentMissing, IdempotencyConflict. A retry
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
        rules = ServiceRules.from_service(service)
        start = request.start.astimezone(COPENHAGEN)
        check_start(rules, start, now=now)
        token, token_hash = tokens.new_manage_token()
        reference, room_name = tokens.new_reference(), jitsi.new_room_name()

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
                room_name=room_name,
                manage_token_hash=token_hash,
                sequence=0,
                created_at=now,
                updated_at=now,
            )
            session.add(booking)
            return booking

        booking = _place(session, service, rules, start, write=write, now=now)
        record_consents(session, booking, request.consents, channel=request.channel, now=now)
        created = BookingCreated(
            reference=booking.reference,
            manage_token=token,
            service=service.code,
            start=booking.start_at,
            end=booking.end_at,
            status=booking.status,
            language=booking.language,
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
        outbox.on_booking_created(
            session, booking, now=now, settings=settings.notify, manage_token=token
        )
    return created


def _active_service(session: Session, code: str) -> Service:
    service = session.scalar(select(Service).where(Service.code == code, Service.active))
    if service is None:
        raise NotFound("Ydelsen findes ikke. / The service does not exist.", field="service")
    return service


def _place(
    session: Session,
    service: Service,
    rules: ServiceRules,
    start: datetime,
    *,
    write: Callable[[int], Booking],
    now: datetime,
    exclude_booking_id: int | None = None,
    prefer: int | None = None,
) -> Booking:
    """Write the booking at `start` for a free caseworker (`write(caseworker_id)`), or raise.

    On PostgreSQL the candidates are locked in id order (no deadlocks) and re-checked under
    the lock; a write that still collides is caught by the exclusion constraint and the next
    candidate is tried inside a savepoint.
    """
    window = Interval(start, start + rules.duration)
    with session.no_autoflush:
        schedules = load_schedules(session, service, window, exclude_booking_id=exclude_booking_id)
        candidates = free_caseworkers(rules, schedules, start, now=now)
        if not candidates:
            unbooked = [replace(s, busy=()) for s in schedules]
            if not free_caseworkers(rules, unbooked, start, now=now):
                raise InvalidStart(NOT_OFFERED, field="start")
            raise SlotUnavailable(TAKEN, field="start")
        if session.get_bind().dialect.name == "postgresql":
            for caseworker_id in sorted(candidates):
                session.execute(
                    text("SELECT pg_advisory_xact_lock(:cls, :id)"),
                    {"cls": CASEWORKER_LOCK_CLASS, "id": caseworker_id},
                )
            schedules = load_schedules(
                session, service, window, exclude_booking_id=exclude_booking_id
            )
            candidates = free_caseworkers(rules, schedules, start, now=now)
        ordered = _least_loaded_first(session, candidates, start, prefer=prefer)
    for caseworker_id in ordered:
        savepoint = session.begin_nested()
        try:
            booking = write(caseworker_id)
            session.flush()
        except IntegrityError as exc:
            savepoint.rollback()
            if not _is_exclusion_violation(exc):
                raise
            continue
        savepoint.commit()
        return booking
    raise SlotUnavailable(TAKEN, field="start")


def _is_exclusion_violation(exc: IntegrityError) -> bool:
    try:
        from psycopg.errors import ExclusionViolation
    except ImportError:  # pragma: no cover - psycopg is a dependency, SQLite never raises this
        return False
    return isinstance(exc.orig, ExclusionViolation)


def _least_loaded_first(
    session: Session, candidates: Sequence[int], start: datetime, *, prefer: int | None
) -> list[int]:
    """Order candidates by confirmed bookings that local day, then that week, then id."""
    if not candidates:
        return []
    day = start.astimezone(COPENHAGEN).date()
    monday = day - timedelta(days=day.weekday())
    day_load = _load(session, candidates, local_midnight(day), local_midnight(day + timedelta(1)))
    week_load = _load(
        session, candidates, local_midnight(monday), local_midnight(monday + timedelta(7))
    )
    return sorted(
        candidates,
        key=lambda c: (c != prefer, day_load.get(c, 0), week_load.get(c, 0), c),
    )


def _load(session: Session, ids: Sequence[int], lo: datetime, hi: datetime) -> dict[int, int]:
    rows = session.execute(
        select(Booking.caseworker_id, func.count())
        .where(
            Booking.caseworker_id.in_(ids),
            Booking.status == BookingStatus.CONFIRMED.value,
            Booking.start_at >= lo,
            Booking.start_at < hi,
        )
        .group_by(Booking.caseworker_id)
    )
    return {int(cw): int(n) for cw, n in rows}


# --- Find, view, change ------------------------------------------------------------------


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
        raise NotFound("Bookingen findes ikke. / The booking does not exist.", field="reference")
    if not auth.is_admin and booking.caseworker_id != auth.caseworker_id:
        raise NotAllowed(
            "Bookingen hører til en anden sagsbehandler. / "
            "The booking belongs to another caseworker.",
        )
    return booking


def _audit(
    session: Session, auth: Auth, action: str, booking: Booking, now: datetime, **detail: Any
) -> None:
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


def get(db: Database, reference: str, *, auth: Auth, now: datetime) -> BookingView:
    """The booking, for its citizen or for staff (a staff read is written to the audit log)."""
    with db.transaction() as session:
        booking = authorised_booking(session, reference, auth)
        if isinstance(auth, StaffPrincipal):
            _audit(session, auth, "booking.view", booking, now)
        return BookingView.of(booking, staff=isinstance(auth, StaffPrincipal))


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
            "Begrundelsen er for lang eller har ugyldige tegn (højst 500 tegn). / "
            "The reason is too long or has invalid characters (max 500).",
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
        _audit(session, auth, "booking.cancel", booking, now)
        outbox.on_booking_cancelled(session, booking, now=now, settings=settings.notify)
        return BookingView.of(booking, staff=isinstance(auth, StaffPrincipal))


def reschedule(
    db: Database,
    reference: str,
    new_start: datetime,
    *,
    auth: Auth,
    now: datetime,
    settings: BookingSettings,
) -> BookingView:
    """Move a confirmed future booking to another free time of the same service.

    The booking keeps its caseworker when they are free at the new time, otherwise the
    least-loaded free one takes it; the same no-double-booking guarantees as `book` hold.
    """
    if new_start.tzinfo is None or new_start.utcoffset() is None:
        raise InvalidStart(
            "Tidspunktet skal angives med tidszone. / The time must include a UTC offset.",
            field="start",
        )
    with db.transaction(immediate=True) as session:
        booking = authorised_booking(session, reference, auth, lock=True)
        _require_changeable(booking, now)
        if new_start == booking.start_at:
            raise ValidationFailed(
                "Bookingen ligger allerede på det tidspunkt. / "
                "The booking is already at that time.",
                field="start",
            )
        rules = ServiceRules.from_service(booking.service)
        check_start(rules, new_start, now=now)
        previous_start = booking.start_at
        start = new_start.astimezone(COPENHAGEN)

        def write(caseworker_id: int) -> Booking:
            booking.start_at = start
            booking.end_at = start + rules.duration
            booking.caseworker_id = caseworker_id
            return booking

        _place(
            session,
            booking.service,
            rules,
            start,
            write=write,
            now=now,
            exclude_booking_id=booking.id,
            prefer=booking.caseworker_id,
        )
        booking.sequence += 1
        booking.updated_at = now
        session.flush()
        _audit(session, auth, "booking.reschedule", booking, now)
        outbox.on_booking_rescheduled(
            session, booking, previous_start=previous_start, now=now, settings=settings.notify
        )
        return BookingView.of(booking, staff=isinstance(auth, StaffPrincipal))


def _require_changeable(booking: Booking, now: datetime) -> None:
    if booking.status != BookingStatus.CONFIRMED.value:
        raise InvalidState(
            "Bookingen er allerede aflyst eller afsluttet. / "
            "The booking is already cancelled or finished.",
            field="status",
        )
    if booking.start_at <= now:
        raise InvalidState(
            "Mødet er begyndt eller overstået og kan ikke ændres. / "
            "The meeting has started or is over and cannot be changed.",
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
    _require_staff(auth)
    with db.transaction(immediate=True) as session:
        booking = authorised_booking(session, reference, auth, lock=True)
        if booking.status != BookingStatus.CONFIRMED.value:
            raise InvalidState(
                "Kun en bekræftet booking kan markeres. / Only a confirmed booking can be marked.",
                field="status",
            )
        if booking.start_at > now:
            raise InvalidState(
                "Mødet er ikke begyndt endnu. / The meeting has not started yet.", field="status"
            )
        booking.status = status.value
        booking.updated_at = now
        session.flush()
        _audit(session, auth, f"booking.mark_{status.value}", booking, now)
        return BookingView.of(booking, staff=True)


def set_note(
    db: Database, reference: str, note: str, *, auth: StaffPrincipal, now: datetime
) -> BookingView:
    """Replace the caseworker's private note on a booking (never shown to the citizen)."""
    _require_staff(auth)
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH or has_control_characters(note, allow="\n\r\t"):
        raise ValidationFailed(
            "Noten er for lang eller har ugyldige tegn (højst 5000 tegn). / "
            "The note is too long or has invalid characters (max 5000).",
            field="note",
        )
    with db.transaction(immediate=True) as session:
        booking = authorised_booking(session, reference, auth, lock=True)
        booking.caseworker_note = note or None
        booking.updated_at = now
        session.flush()
        _audit(session, auth, "booking.note", booking, now, length=len(note))
        return BookingView.of(booking, staff=True)


def _require_staff(auth: Auth) -> None:
    if not isinstance(auth, StaffPrincipal):
        raise NotAllowed("Kun medarbejdere kan dette. / Only staff can do this.")


__all__ = [
    "Auth",
    "BookingCreated",
    "BookingRequest",
    "BookingSettings",
    "BookingView",
    "ManageToken",
    "StaffPrincipal",
    "book",
    "cancel",
    "confirm_lookup",
    "get",
    "mark_completed",
    "mark_no_show",
    "reschedule",
    "set_note",
    "start_lookup",
]
