"""The transactional outbox: notifications written in the same transaction as the change.

The booking service calls `on_booking_created`, `on_booking_rescheduled` and
`on_booking_cancelled` inside its own transaction, after the booking row (and its consent
records) are in the session. Nothing here talks to a provider; the dispatcher does that after
the commit, so a rolled-back booking never sends a message and a committed one always does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from booking.meetings import (
    CalendarSettings,
    LinkSettings,
    citizen_invite,
    display_phone,
    invite_method,
    meeting_place,
    meeting_url,
)
from booking.models import Booking, ConsentPurpose, OutboxMessage, core_table
from booking.notify import messages
from booking.notify.messages import MessageContext
from booking.privacy import has_active_consent, withdraw_consent

CONFIRMATION = "confirmation"
REMINDER = "reminder"
CHANGE = "change"
CANCELLATION = "cancellation"
# One INSERT (executemany) for the messages of one change; built once, so never keyed again.
_INSERT = insert(core_table(OutboxMessage))
# The rows to insert, every one with the same keys (an executemany needs that).
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class NotifySettings:
    """What writing a notification needs from the configuration."""

    public_base_url: str
    secret_key: str
    municipality_name: str
    municipality_phone: str
    mail_from: str = "Borgerbooking <noreply@example.dk>"

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> NotifySettings:
        """Read `PUBLIC_BASE_URL`, `SECRET_KEY` and `MUNICIPALITY_*` from e.g. `app.config`."""
        links = LinkSettings.from_mapping(config)
        return cls(
            public_base_url=links.public_base_url,
            secret_key=links.secret_key,
            municipality_name=str(config.get("MUNICIPALITY_NAME") or "Kommunen"),
            municipality_phone=str(config.get("MUNICIPALITY_PHONE") or ""),
            mail_from=str(config.get("MAIL_FROM") or cls.mail_from),
        )

    @property
    def links(self) -> LinkSettings:
        return LinkSettings(public_base_url=self.public_base_url, secret_key=self.secret_key)

    @property
    def calendar(self) -> CalendarSettings:
        return CalendarSettings(
            links=self.links,
            mail_from=self.mail_from,
            municipality_name=self.municipality_name,
            municipality_phone=self.municipality_phone,
        )


def manage_url(settings: NotifySettings, reference: str, manage_token: str) -> str:
    """The citizen's link to change or cancel; it carries the plaintext manage token."""
    return f"{settings.public_base_url}/booking/{reference}?token={manage_token}"


def on_booking_created(
    session: Session,
    booking: Booking,
    *,
    now: datetime,
    settings: NotifySettings,
    manage_token: str | None = None,
) -> None:
    """Queue the confirmation (SMS always, e-mail with the invite if an address was given)
    and the SMS reminders the citizen consented to.

    Call after the consent records are added to `booking`. The manage token, when given, is
    put into the confirmation texts only; the dispatcher scrubs bodies once they are sent.
    """
    _ensure_flushed(session, booking)
    ctx = _context(booking, settings, manage_token=manage_token)
    rows: Rows = []
    _queue_sms(rows, booking, CONFIRMATION, ctx, due_at=now)
    _queue_email(rows, booking, CONFIRMATION, ctx, settings, now=now)
    _queue_reminders(rows, booking, settings, now=now)
    _write(session, rows)


def on_booking_rescheduled(
    session: Session,
    booking: Booking,
    *,
    previous_start: datetime,
    now: datetime,
    settings: NotifySettings,
    previous_mode: str | None = None,
) -> None:
    """Void the reminders for the old time, tell the citizen the new time (or the new mode),
    queue new reminders.

    Call after `start_at`, `end_at`, `mode` and `sequence` of `booking` hold the new values.
    """
    void_reminders(session, booking, now=now)
    ctx = _context(
        booking,
        settings,
        previous_start=previous_start,
        mode_changed=previous_mode is not None and previous_mode != booking.mode,
    )
    rows: Rows = []
    _queue_sms(rows, booking, CHANGE, ctx, due_at=now)
    _queue_email(rows, booking, CHANGE, ctx, settings, now=now)
    _queue_reminders(rows, booking, settings, now=now)
    _write(session, rows)


def on_booking_cancelled(
    session: Session, booking: Booking, *, now: datetime, settings: NotifySettings
) -> None:
    """Void pending reminders and queue the cancellation (SMS, e-mail with METHOD:CANCEL)."""
    void_reminders(session, booking, now=now)
    ctx = _context(booking, settings)
    rows: Rows = []
    _queue_sms(rows, booking, CANCELLATION, ctx, due_at=now)
    _queue_email(rows, booking, CANCELLATION, ctx, settings, now=now)
    _write(session, rows)


def void_reminders(session: Session, booking: Booking, *, now: datetime) -> int:
    """Mark every reminder of `booking` not yet claimed by a worker as voided; returns how many."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.booking_id == booking.id,
            OutboxMessage.kind == REMINDER,
            OutboxMessage.status == "pending",
        )
        .values(status="voided", body=None, last_error=f"voided {now.isoformat()}")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def stop_booking_sms_reminders(
    session: Session, booking: Booking, *, now: datetime, via: str
) -> bool:
    """Withdraw the booking's `sms_reminders` consent and void its unsent reminders.

    The one way every channel (manage page, meeting page, inbound STOP) stops reminders.
    Returns False when no consent was active.
    """
    withdrawn = withdraw_consent(booking, ConsentPurpose.SMS_REMINDERS.value, now=now, via=via)
    void_reminders(session, booking, now=now)
    return withdrawn


def reminder_times(booking: Booking, *, now: datetime) -> list[datetime]:
    """When this booking's reminders are due, per its service, leaving out times already past."""
    offsets = booking.service.reminder_offsets_minutes or []
    due = {booking.start_at - timedelta(minutes=int(m)) for m in offsets if int(m) > 0}
    return sorted(t for t in due if t > now)


def _queue_reminders(
    rows: Rows, booking: Booking, settings: NotifySettings, *, now: datetime
) -> None:
    if not booking.citizen_phone:
        return
    if not has_active_consent(booking, ConsentPurpose.SMS_REMINDERS.value):
        return
    ctx = _context(booking, settings)
    for due_at in reminder_times(booking, now=now):
        _queue_sms(rows, booking, REMINDER, ctx, due_at=due_at)


def _write(session: Session, rows: Rows) -> None:
    """Insert the queued messages in one statement, in the caller's transaction."""
    if rows:
        session.execute(_INSERT, rows)


def _ensure_flushed(session: Session, booking: Booking) -> None:
    # Outbox rows point at the booking by id, which a new booking only has after a flush.
    if booking.id is None:
        session.flush()


def _context(
    booking: Booking,
    settings: NotifySettings,
    *,
    manage_token: str | None = None,
    previous_start: datetime | None = None,
    mode_changed: bool = False,
) -> MessageContext:
    place = meeting_place(booking)
    return MessageContext(
        municipality_name=settings.municipality_name,
        municipality_phone=settings.municipality_phone,
        language=booking.language,
        start_at=booking.start_at,
        meeting_url=meeting_url(settings.links, booking.reference),
        manage_url=manage_url(settings, booking.reference, manage_token) if manage_token else None,
        service_name=booking.service.name(booking.language),
        previous_start_at=previous_start,
        mode=booking.mode,
        mode_changed=mode_changed,
        call_number=display_phone(booking.citizen_phone),
        address=place.address if place else "",
        directions=place.directions if place else "",
    )


def _queue_sms(
    rows: Rows, booking: Booking, kind: str, ctx: MessageContext, *, due_at: datetime
) -> None:
    if not booking.citizen_phone:
        return
    rows.append(
        {
            "booking_id": booking.id,
            "kind": kind,
            "channel": "sms",
            "recipient": booking.citizen_phone,
            "subject": None,
            "body": messages.sms_text(kind, ctx),
            "payload": {"reference": booking.reference},
            "due_at": due_at,
        }
    )


def _queue_email(
    rows: Rows,
    booking: Booking,
    kind: str,
    ctx: MessageContext,
    settings: NotifySettings,
    *,
    now: datetime,
) -> None:
    if not booking.citizen_email:
        return
    # The invite is rendered now, not at send time: it is a snapshot of this change with its
    # SEQUENCE, so a late retry of an older message can never undo a newer one in the
    # citizen's calendar (calendars keep the highest SEQUENCE).
    invite = citizen_invite(booking, settings.calendar, now=now).decode("utf-8")
    payload: dict[str, Any] = {
        "reference": booking.reference,
        "ics_method": invite_method(booking),
        "sequence": booking.sequence,
        "ics": invite,
    }
    rows.append(
        {
            "booking_id": booking.id,
            "kind": kind,
            "channel": "email",
            "recipient": booking.citizen_email,
            "subject": messages.email_subject(kind, ctx),
            "body": messages.email_text(kind, ctx),
            "payload": payload,
            "due_at": now,
        }
    )
