"""Consent texts (versioned per purpose and language) and the append-only consent records."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from booking.errors import ConsentMissing, ValidationFailed
from booking.i18n import N_
from booking.models import Booking, ConsentPurpose, ConsentRecord, ConsentText, core_table

_RECORDS = core_table(ConsentRecord)
# Built once; the ids come back in the order of the rows.
_INSERT_RECORDS = insert(_RECORDS).returning(_RECORDS.c.id, sort_by_parameter_order=True)
REQUIRED_PURPOSES = frozenset({ConsentPurpose.BOOKING.value})
ALL_PURPOSES = frozenset(p.value for p in ConsentPurpose)


@dataclass(frozen=True)
class ConsentGiven:
    """What the citizen says they accepted: a purpose and the version of the text they saw."""

    purpose: str
    text_version: int


@dataclass(frozen=True)
class TextInForce:
    """The active version of a purpose's consent text in one language, as a record cites it."""

    version: int
    text_hash: str


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def publish_text(session: Session, *, purpose: str, language: str, text: str) -> ConsentText:
    """Add a new version of a consent text and make it the only active one for its language."""
    if purpose not in ALL_PURPOSES:
        raise ValidationFailed(N_("Unknown purpose: %(purpose)s"), field="purpose", purpose=purpose)
    latest = session.scalar(
        select(func.max(ConsentText.version)).where(
            ConsentText.purpose == purpose, ConsentText.language == language
        )
    )
    for old in session.scalars(
        select(ConsentText).where(
            ConsentText.purpose == purpose, ConsentText.language == language, ConsentText.active
        )
    ):
        old.active = False
    new = ConsentText(
        purpose=purpose,
        language=language,
        version=(latest or 0) + 1,
        text=text,
        text_hash=text_hash(text),
        active=True,
    )
    session.add(new)
    session.flush()
    return new


def active_texts(session: Session, language: str) -> list[ConsentText]:
    return list(
        session.scalars(
            select(ConsentText)
            .where(ConsentText.language == language, ConsentText.active)
            .order_by(ConsentText.purpose)
        )
    )


def texts_in_force(session: Session, language: str) -> dict[str, TextInForce]:
    """The active version of each purpose's text in `language`, by purpose."""
    return {
        t.purpose: TextInForce(version=t.version, text_hash=t.text_hash)
        for t in active_texts(session, language)
    }


def record_consents(
    session: Session,
    booking: Booking,
    given: Iterable[ConsentGiven],
    *,
    channel: str,
    now: datetime,
    in_force: Mapping[str, TextInForce] | None = None,
) -> list[ConsentRecord]:
    """Check the consents against the texts in force and append one record per purpose.

    The `booking` purpose is required; a version that is not the active one for the booking's
    language is refused, so we never record agreement to a text the citizen was not shown.
    `in_force` is `texts_in_force` for the booking's language when the caller has it (from
    the process's cache, current as of this transaction); else it is read here. The records
    are inserted at once (one statement) and added to `booking.consents` as loaded.
    """
    by_purpose: dict[str, ConsentGiven] = {}
    for item in given:
        if item.purpose not in ALL_PURPOSES:
            raise ValidationFailed(
                N_("Unknown consent purpose: %(purpose)s"),
                field="consents",
                purpose=item.purpose,
            )
        by_purpose[item.purpose] = item
    missing = REQUIRED_PURPOSES - by_purpose.keys()
    if missing:
        raise ConsentMissing(
            N_("You must accept the booking terms (consent purpose 'booking')."),
            field="consents",
        )
    active = texts_in_force(session, booking.language) if in_force is None else in_force
    rows = []
    for purpose, item in sorted(by_purpose.items()):
        text = active.get(purpose)
        if text is None or text.version != item.text_version:
            raise ConsentMissing(
                N_("The consent text for '%(purpose)s' has changed; show the current version."),
                field="consents",
                purpose=purpose,
            )
        rows.append(
            {
                "purpose": purpose,
                "language": booking.language,
                "text_version": text.version,
                "text_hash": text.text_hash,
                "channel": channel,
                "given_at": now,
                "withdrawn_at": None,
                "withdrawn_via": None,
            }
        )
    if booking.id is None:
        session.flush()  # the records point at the booking by id
    for row in rows:
        row["booking_id"] = booking.id
    # One INSERT, without the unit of work; the records then join the session as loaded.
    ids = session.scalars(_INSERT_RECORDS, rows).all()
    records = [ConsentRecord(id=record_id, **row) for record_id, row in zip(ids, rows, strict=True)]
    for record in records:
        make_transient_to_detached(record)
        session.add(record)
    if "consents" in booking.__dict__:  # loaded (a new booking's is known empty): keep it true
        set_committed_value(booking, "consents", [*booking.consents, *records])
    return records


def has_active_consent(booking: Booking, purpose: str) -> bool:
    return any(c.purpose == purpose and c.withdrawn_at is None for c in booking.consents)


def withdraw_consent(booking: Booking, purpose: str, *, now: datetime, via: str) -> bool:
    """Mark the citizen's consent for `purpose` withdrawn. Returns False if none was active."""
    changed = False
    for record in booking.consents:
        if record.purpose == purpose and record.withdrawn_at is None:
            record.withdrawn_at = now
            record.withdrawn_via = via
            changed = True
    return changed
