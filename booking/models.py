"""The persistent domain model: SQLAlchemy 2 typed ORM, portable across SQLite and PostgreSQL.

All timestamps are stored in UTC and come back as timezone-aware datetimes on both backends
(see `UTCDateTime`). Citizen personal data lives only on `Booking` (and the outbox rows that
carry a phone number or e-mail until sent), so retention and erasure have one place to act.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, time
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    event,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC; naive input is rejected, output is always aware (UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        # SQLite has no time zone type: store naive UTC so text comparison orders correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[int]: JSON,
        list[str]: JSON,
    }


def core_table(model: type[Base]) -> Table:
    """The model's Core table, for statements built once on its columns (no ORM step)."""
    return cast(Table, model.__table__)


class BookingStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


class Role(enum.StrEnum):
    CASEWORKER = "caseworker"
    ADMIN = "admin"


class ConsentPurpose(enum.StrEnum):
    BOOKING = "booking"
    SMS_REMINDERS = "sms_reminders"
    CHAT_TRANSCRIPT = "chat_transcript"


class Channel(enum.StrEnum):
    CHAT = "chat"
    WEB = "web"
    SMS = "sms"
    PHONE = "phone"  # the assistant on the municipality's phone line (Twilio Voice)


class MeetingMode(enum.StrEnum):
    """How citizen and caseworker meet. Only a video meeting has a Jitsi room."""

    VIDEO = "video"
    PHONE = "phone"
    IN_PERSON = "in_person"


def _check_in(column: str, values: type[enum.StrEnum]) -> CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"ck_{column}_allowed")


caseworker_services = Table(
    "caseworker_services",
    Base.metadata,
    Column("caseworker_id", ForeignKey("caseworkers.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)


class Service(Base):
    """A kind of meeting a citizen can book, with the rules its slots follow."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_da: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_da: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int] = mapped_column(Integer)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    slot_step_minutes: Mapped[int] = mapped_column(Integer, default=30)
    min_notice_minutes: Mapped[int] = mapped_column(Integer, default=120)
    horizon_days: Mapped[int] = mapped_column(Integer, default=60)
    retention_days: Mapped[int] = mapped_column(Integer, default=90)
    # Minutes before the start at which an SMS reminder goes out, e.g. [1440, 60].
    reminder_offsets_minutes: Mapped[list[int]] = mapped_column(default=lambda: [1440, 60])
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The meeting modes offered (MeetingMode values), in the order they are shown.
    modes: Mapped[list[str]] = mapped_column(default=lambda: [MeetingMode.VIDEO.value])
    # Where in-person meetings take place, unless the caseworker has an address of their own.
    address_da: Mapped[str] = mapped_column(Text, default="")
    address_en: Mapped[str] = mapped_column(Text, default="")
    directions_da: Mapped[str] = mapped_column(Text, default="")
    directions_en: Mapped[str] = mapped_column(Text, default="")

    caseworkers: Mapped[list[Caseworker]] = relationship(
        secondary=caseworker_services, back_populates="services"
    )

    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="ck_service_duration_positive"),
        CheckConstraint("buffer_minutes >= 0", name="ck_service_buffer_non_negative"),
        CheckConstraint("slot_step_minutes > 0", name="ck_service_step_positive"),
    )

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_da


class Caseworker(Base):
    """A person who holds meetings: jobcentre caseworker, health visitor, physiotherapist."""

    __tablename__ = "caseworkers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Secret, revocable iCalendar feed URL; only its hash is kept.
    calendar_feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Where this caseworker holds in-person meetings; empty: the service's address.
    address_da: Mapped[str] = mapped_column(Text, default="")
    address_en: Mapped[str] = mapped_column(Text, default="")
    directions_da: Mapped[str] = mapped_column(Text, default="")
    directions_en: Mapped[str] = mapped_column(Text, default="")

    services: Mapped[list[Service]] = relationship(
        secondary=caseworker_services, back_populates="caseworkers"
    )
    working_hours: Mapped[list[WorkingHours]] = relationship(
        back_populates="caseworker", cascade="all, delete-orphan", order_by="WorkingHours.weekday"
    )
    absences: Mapped[list[Absence]] = relationship(
        back_populates="caseworker", cascade="all, delete-orphan"
    )


class WorkingHours(Base):
    """One interval of a weekly working pattern, in Europe/Copenhagen wall-clock time."""

    __tablename__ = "working_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    caseworker_id: Mapped[int] = mapped_column(ForeignKey("caseworkers.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday … 6 = Sunday
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    # The meeting modes held in this interval (e.g. in-person only on office days);
    # None: every mode the service offers.
    modes: Mapped[list[str] | None] = mapped_column(JSON)

    caseworker: Mapped[Caseworker] = relationship(back_populates="working_hours")

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="ck_working_hours_weekday"),
        CheckConstraint("start_time < end_time", name="ck_working_hours_order"),
        Index("ix_working_hours_caseworker", "caseworker_id"),
    )


class ScheduleVersion(Base):
    """A counter (one row, id 1) that moves whenever a service, a caseworker, working hours, a
    consent text or a municipality fact change (see `_count_schedule_changes`): each process
    keeps those in memory for slot search and booking (`booking.slots.cache`) and reads only
    this row to know whether its copy is still current."""

    __tablename__ = "schedule_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class Absence(Base):
    """A period a caseworker cannot hold meetings (holiday, sick day, course)."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    caseworker_id: Mapped[int] = mapped_column(ForeignKey("caseworkers.id", ondelete="CASCADE"))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    caseworker: Mapped[Caseworker] = relationship(back_populates="absences")

    __table_args__ = (
        CheckConstraint("start_at < end_at", name="ck_absence_order"),
        Index("ix_absences_caseworker_start", "caseworker_id", "start_at"),
        # Slot search reads the absences that end after the window opens: bounded by the
        # future, however much history piles up (start_at < end alone would scan all of it).
        Index("ix_absences_caseworker_end", "caseworker_id", "end_at", "start_at"),
    )


class User(Base):
    """A staff login. A caseworker user is linked to their `Caseworker` row."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20), default=Role.CASEWORKER.value)
    caseworker_id: Mapped[int | None] = mapped_column(
        ForeignKey("caseworkers.id", ondelete="SET NULL"), unique=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    caseworker: Mapped[Caseworker | None] = relationship()

    __table_args__ = (_check_in("role", Role),)


class AdminApiKey(Base):
    """A key an administrator's scripts send as `Authorization: Bearer <key>` to the admin API.

    Only the key's SHA-256 is stored; `prefix` (its first characters) lets a person tell their
    keys apart. A revoked key stays listed, so what it did remains attributable.
    """

    __tablename__ = "admin_api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class Booking(Base):
    """A meeting between one citizen and one caseworker: by video, by phone or in person.

    Personal data (name, phone, e-mail, note) is nulled by anonymisation; the row itself stays
    for statistics. The manage token is never stored, only its SHA-256.
    """

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    caseworker_id: Mapped[int] = mapped_column(ForeignKey("caseworkers.id"))
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=BookingStatus.CONFIRMED.value)
    citizen_name: Mapped[str | None] = mapped_column(String(200))
    citizen_phone: Mapped[str | None] = mapped_column(String(20))
    citizen_email: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(2), default="da")
    channel: Mapped[str] = mapped_column(String(10), default=Channel.WEB.value)
    mode: Mapped[str] = mapped_column(String(20), default=MeetingMode.VIDEO.value)
    # The Jitsi room: video meetings only.
    room_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    manage_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token handed out by the reference + phone + SMS-code lookup (the assistant's way in).
    # It lives beside the confirmation link's token, so managing the booking in the chat does
    # not break the link in the citizen's SMS or e-mail; a new lookup replaces only this one.
    lookup_token_hash: Mapped[str | None] = mapped_column(String(64))
    # The assistant conversation (Rasa sender id) the booking was made in: erasure and
    # retention delete that conversation too. Cleared once it is deleted.
    conversation_id: Mapped[str | None] = mapped_column(String(255))
    # iCalendar SEQUENCE: bumped on every change the citizen's calendar must follow.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    caseworker_note: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    cancelled_by: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]

    service: Mapped[Service] = relationship()
    caseworker: Mapped[Caseworker] = relationship()
    consents: Mapped[list[ConsentRecord]] = relationship(
        back_populates="booking", order_by="ConsentRecord.id"
    )

    __table_args__ = (
        _check_in("status", BookingStatus),
        _check_in("channel", Channel),
        _check_in("mode", MeetingMode),
        CheckConstraint("language IN ('da', 'en')", name="ck_booking_language"),
        CheckConstraint("start_at < end_at", name="ck_booking_order"),
        Index("ix_bookings_caseworker_start", "caseworker_id", "start_at"),
        # Slot search: the bookings of a caseworker that end after the window opens, answered
        # from the index alone (it holds every column the search reads).
        Index("ix_bookings_caseworker_end", "caseworker_id", "end_at", "start_at", "status"),
        Index("ix_bookings_start", "start_at"),
        Index("ix_bookings_phone", "citizen_phone"),
        Index("ix_bookings_conversation", "conversation_id"),
    )


class ConsentText(Base):
    """A versioned text shown to the citizen before they accept a purpose."""

    __tablename__ = "consent_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("purpose", "language", "version", name="uq_consent_text_version"),
        _check_in("purpose", ConsentPurpose),
    )


class ConsentRecord(Base):
    """Append-only proof of what a citizen accepted; only `withdrawn_at` is ever set later."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(2))
    text_version: Mapped[int] = mapped_column(Integer)
    text_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_via: Mapped[str | None] = mapped_column(String(20))

    booking: Mapped[Booking] = relationship(back_populates="consents")

    __table_args__ = (
        _check_in("purpose", ConsentPurpose),
        Index("ix_consent_records_booking", "booking_id"),
    )


class AuditEvent(Base):
    """Who did or saw what, for accountability (GDPR art. 5(2)). Holds no citizen data itself."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_type: Mapped[str] = mapped_column(String(20))  # user, citizen, service, system
    actor_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), index=True
    )
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OneTimeCode(Base):
    """A 6-digit code sent by SMS that exchanges a reference + phone for a manage token."""

    __tablename__ = "one_time_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    consumed_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_one_time_codes_booking", "booking_id"),)


class IdempotencyRecord(Base):
    """The first response to a create request, replayed for retries with the same key.

    The response holds the manage token, so it is kept encrypted and only for a day.
    """

    __tablename__ = "idempotency_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    response_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_scope_key"),)


class OutboxMessage(Base):
    """A notification to send, written in the same transaction as the change it reports."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))  # confirmation, reminder, change, cancellation
    channel: Mapped[str] = mapped_column(String(10))  # sms, email
    recipient: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    due_at: Mapped[datetime]
    # pending → sending → sent | failed; pending → voided. A 'sending' row whose lease ran out
    # is reconciled with the provider before anything is resent.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    provider_message_id: Mapped[str | None] = mapped_column(String(100), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(30))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'voided')",
            name="ck_outbox_status",
        ),
        CheckConstraint("channel IN ('sms', 'email')", name="ck_outbox_channel"),
        Index("ix_outbox_due", "status", "due_at"),
    )


class RateLimitCounter(Base):
    """One fixed-window counter of the web app's rate limiter (`limits` storage in web/).

    Kept in the app's own database so every gunicorn worker (and, on PostgreSQL, every host)
    counts against the same number when no Redis is configured. Keys carry no personal data:
    the limiter hashes an e-mail before it becomes part of a key.
    """

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    # epoch seconds, as the `limits` package counts windows (wall clock, not the app's clock)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class MunicipalityFact(Base):
    """A municipality fact an administrator changed (name, phone, opening hours, …).

    Facts without a row take their value from configuration (`MUNICIPALITY_*`), so a fresh
    installation needs no step; `booking.settings.municipality` reads and changes them.
    """

    __tablename__ = "municipality_facts"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# What slot search and booking keep in memory per process (services, who serves them, weekly
# hours; the consent texts and municipality facts a booking reads).
_SCHEDULE_MODELS = (Service, Caseworker, WorkingHours, ConsentText, MunicipalityFact)


@event.listens_for(Session, "before_flush")
def _count_schedule_changes(session: Session, _context: Any, _instances: Any) -> None:
    # In the same transaction as the change, so every process's next search sees the new
    # version exactly when it sees the change. A membership change (caseworker_services) marks
    # the Caseworker or Service whose collection changed as dirty, so it is counted too.
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, _SCHEDULE_MODELS) for obj in changed):
        session.execute(
            update(ScheduleVersion)
            .where(ScheduleVersion.id == 1)
            .values(version=ScheduleVersion.version + 1)
        )
