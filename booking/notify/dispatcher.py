"""The outbox dispatcher: claim due messages, send them outside any transaction, record.

One pass (`dispatch_once`) is three steps, each a short transaction around provider calls:

1. `reconcile_expired`: a row left in 'sending' past its lease belonged to a worker that died
   between sending and recording. Before anything is resent the provider is asked whether the
   message went out (Twilio: the message list for that number, matched on the exact body);
   found → recorded as sent; not found → back to pending. E-mail cannot be looked up, so it
   is resent with the same Message-ID (see the README for the residual risk).
2. `claim_due`: due pending rows move to 'sending' with a lease, under `FOR UPDATE SKIP
   LOCKED` on PostgreSQL (`BEGIN IMMEDIATE` on SQLite), so concurrent workers never share one.
3. Each claimed message is sent; the result is recorded only if this worker still holds the
   claim. A failure schedules a retry with exponential backoff, or marks the row failed.

Bodies are scrubbed once a message is sent or has failed for good: the confirmation carries
the citizen's manage token, which must not linger in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from booking.db import Database
from booking.models import Booking, BookingStatus, ConsentPurpose, OutboxMessage
from booking.notify.email import EmailError, EmailSender, OutgoingEmail
from booking.notify.outbox import REMINDER
from booking.notify.sms import SmsError, SmsSender
from booking.privacy import has_active_consent

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, VOIDED = "pending", "sending", "sent", "failed", "voided"


@dataclass(frozen=True)
class DispatchSettings:
    batch: int = 20
    lease: timedelta = timedelta(minutes=10)
    max_attempts: int = 6
    backoff_base: timedelta = timedelta(seconds=30)
    backoff_max: timedelta = timedelta(hours=1)
    message_id_domain: str = "borgerbooking.invalid"

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> DispatchSettings:
        """Read `OUTBOX_*` settings; the Message-ID domain is the one in `MAIL_FROM`."""
        mail_from = str(config.get("MAIL_FROM") or "")
        domain = mail_from.rsplit("@", 1)[-1].strip(" >") if "@" in mail_from else ""
        return cls(
            batch=int(config.get("OUTBOX_BATCH") or 20),
            lease=timedelta(seconds=float(config.get("OUTBOX_LEASE_SECONDS", 600))),
            max_attempts=int(config.get("OUTBOX_MAX_ATTEMPTS") or 6),
            backoff_base=timedelta(seconds=float(config.get("OUTBOX_BACKOFF_SECONDS") or 30)),
            message_id_domain=domain or "borgerbooking.invalid",
        )


@dataclass
class Senders:
    sms: SmsSender
    email: EmailSender


@dataclass(frozen=True)
class ClaimedMessage:
    """A snapshot of a claimed row, used outside the transaction that claimed it."""

    id: int
    kind: str
    channel: str
    recipient: str | None
    subject: str | None
    body: str | None
    payload: dict[str, Any]
    attempts: int
    claimed_at: datetime


@dataclass
class DispatchReport:
    reconciled: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost: list[int] = field(default_factory=list)  # claims taken over by another worker

    @property
    def busy(self) -> bool:
        return bool(self.reconciled or self.sent or self.retried or self.failed)


def backoff(attempts: int, settings: DispatchSettings) -> timedelta:
    """Wait before attempt `attempts + 1`: base, 2×base, 4×base, … capped at `backoff_max`."""
    return min(settings.backoff_base * (2 ** max(attempts - 1, 0)), settings.backoff_max)


def claim_due(
    db: Database, *, now: datetime, worker_id: str, batch: int, lease: timedelta
) -> list[ClaimedMessage]:
    """Move up to `batch` due pending rows to 'sending' for this worker, and commit."""
    due = and_(
        OutboxMessage.status == PENDING,
        OutboxMessage.due_at <= now,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    )
    with db.transaction(immediate=True) as session:
        claimed = []
        for row in _lock(session, due, batch, db):
            reason = _reminder_void_reason(session, row, now)
            if reason:
                row.status, row.body, row.last_error = VOIDED, None, reason
                continue
            row.status = SENDING
            row.attempts += 1
            row.claimed_by = worker_id
            row.lease_until = now + lease
            first = (row.payload or {}).get("first_claimed_at") or now.isoformat()
            row.payload = {**row.payload, "claimed_at": now.isoformat(), "first_claimed_at": first}
            claimed.append(_snapshot(row, now))
        return claimed


def _reminder_void_reason(session: Session, row: OutboxMessage, now: datetime) -> str | None:
    # Checked again at send time, whatever path changed the booking or the consent since the
    # reminder was written: a reminder needs a confirmed, future meeting and active consent.
    if row.kind != REMINDER or row.booking_id is None:
        return None
    booking = session.get(Booking, row.booking_id)
    if booking is None or booking.status != BookingStatus.CONFIRMED.value:
        return "booking no longer confirmed"
    if booking.start_at <= now:
        return "meeting already started"
    if not has_active_consent(booking, ConsentPurpose.SMS_REMINDERS.value):
        return "sms_reminders consent withdrawn"
    return None


def reconcile_expired(
    db: Database, senders: Senders, *, now: datetime, worker_id: str, settings: DispatchSettings
) -> int:
    """Settle rows whose worker died mid-send: record them as sent, or make them due again."""
    expired = and_(OutboxMessage.status == SENDING, OutboxMessage.lease_until < now)
    with db.transaction(immediate=True) as session:
        rows = _lock(session, expired, settings.batch, db)
        for row in rows:
            row.claimed_by = worker_id
            row.lease_until = now + settings.lease
        stale = [_snapshot(row, _claimed_at(row, now)) for row in rows]
    for message in stale:
        provider_id: str | None = None
        if message.channel == "sms" and message.recipient and message.body:
            since = _first_claimed_at(message)
            try:
                found = senders.sms.find_sent(message.recipient, message.body, since=since)
            except SmsError as exc:
                log.warning("outbox %s: provider lookup failed: %s", message.id, exc)
                continue  # keep the claim; the lease runs out and the next pass asks again
            provider_id = found.provider_message_id if found else None
        with db.transaction() as session:
            if provider_id:
                _record_sent(session, message, worker_id, provider_id, now)
            else:
                _release(session, message, worker_id, now)
    return len(stale)


def send_claimed(
    db: Database,
    senders: Senders,
    message: ClaimedMessage,
    *,
    now: datetime,
    worker_id: str,
    settings: DispatchSettings,
) -> str:
    """Send one claimed message and record the outcome: 'sent', 'retry', 'failed' or 'lost'.

    A retried SMS is first looked up at the provider: a timeout leaves it unknown whether the
    earlier attempt went out, and resending blindly would send it twice.
    """
    try:
        provider_id = _already_sent(senders, message) or _deliver(senders, message, settings)
    except (SmsError, EmailError) as exc:
        return _record_failure(db, message, str(exc), exc.retryable, now, worker_id, settings)
    except Exception as exc:  # a bug or an unexpected client error: retry, and say what it was
        log.exception("outbox %s: unexpected error while sending", message.id)
        error = f"{type(exc).__name__}: {exc}"
        return _record_failure(db, message, error, True, now, worker_id, settings)
    with db.transaction() as session:
        recorded = _record_sent(session, message, worker_id, provider_id, now)
    return SENT if recorded else "lost"


def dispatch_once(
    db: Database, senders: Senders, *, now: datetime, worker_id: str, settings: DispatchSettings
) -> DispatchReport:
    """One pass of the worker: reconcile expired leases, claim a batch, send it."""
    report = DispatchReport()
    report.reconciled = reconcile_expired(
        db, senders, now=now, worker_id=worker_id, settings=settings
    )
    claimed = claim_due(
        db, now=now, worker_id=worker_id, batch=settings.batch, lease=settings.lease
    )
    for message in claimed:
        outcome = send_claimed(
            db, senders, message, now=now, worker_id=worker_id, settings=settings
        )
        if outcome == SENT:
            report.sent += 1
        elif outcome == "retry":
            report.retried += 1
        elif outcome == FAILED:
            report.failed += 1
        else:
            report.lost.append(message.id)
    return report


def email_message_id(message_id: int, settings: DispatchSettings) -> str:
    """The same Message-ID on every attempt, so a resend after a crash is recognisable."""
    return f"<outbox-{message_id}@{settings.message_id_domain}>"


def _already_sent(senders: Senders, message: ClaimedMessage) -> str | None:
    if message.channel != "sms" or message.attempts <= 1:
        return None
    if not message.recipient or not message.body:
        return None
    found = senders.sms.find_sent(message.recipient, message.body, since=_first_claimed_at(message))
    return found.provider_message_id if found else None


def _deliver(senders: Senders, message: ClaimedMessage, settings: DispatchSettings) -> str:
    if not message.recipient or message.body is None:
        raise SmsError("nothing to send: recipient or body missing", retryable=False)
    if message.channel == "sms":
        sent = senders.sms.send(message.recipient, message.body, reference=f"outbox-{message.id}")
        return sent.provider_message_id
    email = OutgoingEmail(
        to=message.recipient,
        subject=message.subject or "",
        text=message.body,
        message_id=email_message_id(message.id, settings),
        ics=message.payload.get("ics"),
        ics_method=message.payload.get("ics_method"),
    )
    return senders.email.send(email)


def _lock(session: Session, condition: Any, batch: int, db: Database) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(condition).order_by(OutboxMessage.due_at).limit(batch)
    if db.is_postgresql:
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def _snapshot(row: OutboxMessage, claimed_at: datetime) -> ClaimedMessage:
    return ClaimedMessage(
        id=row.id,
        kind=row.kind,
        channel=row.channel,
        recipient=row.recipient,
        subject=row.subject,
        body=row.body,
        payload=dict(row.payload or {}),
        attempts=row.attempts,
        claimed_at=claimed_at,
    )


def _first_claimed_at(message: ClaimedMessage) -> datetime:
    raw = message.payload.get("first_claimed_at")
    return datetime.fromisoformat(raw) if raw else message.claimed_at


def _claimed_at(row: OutboxMessage, fallback: datetime) -> datetime:
    raw = (row.payload or {}).get("claimed_at")
    return datetime.fromisoformat(raw) if raw else fallback


def _held(message: ClaimedMessage, worker_id: str) -> Any:
    return and_(
        OutboxMessage.id == message.id,
        OutboxMessage.status == SENDING,
        OutboxMessage.claimed_by == worker_id,
    )


def _record_sent(
    session: Session, message: ClaimedMessage, worker_id: str, provider_id: str, now: datetime
) -> bool:
    result = session.execute(
        update(OutboxMessage)
        .where(_held(message, worker_id))
        .values(
            status=SENT,
            provider_message_id=provider_id,
            sent_at=now,
            lease_until=None,
            last_error=None,
            body=None,
            payload=_scrubbed(message),
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def _scrubbed(message: ClaimedMessage) -> dict[str, Any]:
    # Keep only what the caseworker's view needs; the invite and any token go.
    return {"reference": message.payload.get("reference")}


def _release(session: Session, message: ClaimedMessage, worker_id: str, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(_held(message, worker_id))
        .values(status=PENDING, next_attempt_at=now, lease_until=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )


def _record_failure(
    db: Database,
    message: ClaimedMessage,
    error: str,
    retryable: bool,
    now: datetime,
    worker_id: str,
    settings: DispatchSettings,
) -> str:
    give_up = not retryable or message.attempts >= settings.max_attempts
    if message.recipient:  # provider errors quote the number; the caseworker view needs no copy
        error = error.replace(message.recipient, "<recipient>")
    values: dict[str, Any] = {"last_error": error[:1000], "lease_until": None}
    if give_up:
        values.update(status=FAILED, body=None, payload=_scrubbed(message))
    else:
        values.update(status=PENDING, next_attempt_at=now + backoff(message.attempts, settings))
    with db.transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(_held(message, worker_id))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if not getattr(result, "rowcount", 0):
        return "lost"
    log.warning("outbox %s: attempt %s failed: %s", message.id, message.attempts, error)
    return FAILED if give_up else "retry"
