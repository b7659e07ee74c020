"""Publishing a new version of a consent text, as administrators do, with history.

Old versions stay (consent records point at the version the citizen was shown, by number and
hash); the newest is the one in force, which every citizen flow shows. Each publication is an
`audit_events` row (`consent_text.publish`) with who, when and the versions before and after.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.errors import ValidationFailed
from booking.i18n import LANGUAGES, N_
from booking.models import AuditEvent, ConsentPurpose, ConsentText
from booking.privacy import record_event
from booking.privacy.consent import publish_text

MAX_CONSENT_TEXT = 5000
PUBLISH = "consent_text.publish"


def consent_versions(db: Session) -> dict[tuple[str, str], list[ConsentText]]:
    """Every version per (purpose, language), newest first, every purpose and language listed."""
    versions: dict[tuple[str, str], list[ConsentText]] = {
        (purpose.value, language): [] for purpose in ConsentPurpose for language in LANGUAGES
    }
    query = select(ConsentText).order_by(ConsentText.version.desc())
    for text in db.scalars(query):
        versions.setdefault((text.purpose, text.language), []).append(text)
    return versions


def publish_consent_text(
    db: Session, purpose: Any, language: Any, text: Any, *, user_id: int | None, now: datetime
) -> ConsentText:
    """A new version of the purpose's text in `language`, in force from now on."""
    if purpose not in {p.value for p in ConsentPurpose}:
        raise ValidationFailed(N_("Choose one of the purposes."), field="purpose")
    if language not in LANGUAGES:
        raise ValidationFailed(N_("Choose Danish or English."), field="language")
    if not isinstance(text, str) or not text.strip():
        raise ValidationFailed(N_("Write the text the citizen is shown."), field="text")
    text = text.strip().replace("\r\n", "\n")
    if len(text) > MAX_CONSENT_TEXT:
        raise ValidationFailed(
            N_("At most %(limit)s characters."), field="text", limit=MAX_CONSENT_TEXT
        )
    current = consent_versions(db)[(purpose, language)]
    if current and current[0].active and current[0].text == text:
        raise ValidationFailed(N_("This is the text in force already."), field="text")
    new = publish_text(db, purpose=purpose, language=language, text=text)
    new.created_at = now
    record_event(
        db,
        actor_type="user",
        actor_id=user_id,
        action=PUBLISH,
        detail={
            "purpose": purpose,
            "language": language,
            "before": current[0].version if current else None,
            "after": new.version,
        },
        now=now,
    )
    return new


def consent_history(db: Session, *, limit: int = 100) -> list[AuditEvent]:
    """The publications, newest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.action == PUBLISH)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))
