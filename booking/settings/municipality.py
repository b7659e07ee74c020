"""The municipality's facts (name, phone, e-mail, address, opening hours, privacy notice URL):
configuration gives the defaults, administrators change them in the database, with history.

Everything that shows a fact reads `municipality_facts`: the citizens' pages, messages, the
privacy notice and `GET /api/v1/municipality`, from which the assistant fills its
`{municipality_*}` placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.errors import ValidationFailed
from booking.i18n import N_
from booking.models import AuditEvent, MunicipalityFact
from booking.privacy import record_event

FACT_KEYS = (
    "name",
    "phone",
    "email",
    "address",
    "opening_hours_da",
    "opening_hours_en",
    "privacy_url",
)
# the configuration value each fact defaults to
CONFIG_KEYS = {key: f"MUNICIPALITY_{key.upper()}" for key in FACT_KEYS}
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s]+$")
MAX_FACT = 300
UPDATE = "municipality.update"


def defaults_from_config(config: Mapping[str, Any]) -> dict[str, str]:
    """The facts as configured (`MUNICIPALITY_NAME`, …); an unset privacy URL stays empty."""
    return {key: str(config.get(name) or "") for key, name in CONFIG_KEYS.items()}


def municipality_facts(db: Session, defaults: Mapping[str, str]) -> dict[str, str]:
    """Every fact: the stored value where an administrator set one, else the default."""
    facts = {key: str(defaults.get(key, "")) for key in FACT_KEYS}
    for row in db.scalars(select(MunicipalityFact)):
        if row.key in facts:
            facts[row.key] = row.value
    return facts


def _clean(values: Mapping[str, Any], key: str) -> str:
    raw = values.get(key, "")
    if not isinstance(raw, str):
        raise ValidationFailed(N_("Write a text."), field=key)
    value = " ".join(raw.split())
    if not value and key != "privacy_url":
        raise ValidationFailed(N_("This cannot be empty."), field=key)
    if len(value) > MAX_FACT:
        raise ValidationFailed(N_("At most %(limit)s characters."), field=key, limit=MAX_FACT)
    if key == "phone" and not PHONE.fullmatch(value):
        raise ValidationFailed(N_("Write a phone number, e.g. +45 70 12 34 56."), field=key)
    if key == "email" and not EMAIL.fullmatch(value):
        raise ValidationFailed(N_("Write an e-mail address."), field=key)
    if key == "privacy_url" and value and not URL.fullmatch(value):
        raise ValidationFailed(N_("Write an address starting with https://."), field=key)
    return value


def update_municipality(
    db: Session,
    values: Mapping[str, Any],
    defaults: Mapping[str, str],
    *,
    user_id: int | None,
    now: datetime,
) -> dict[str, str]:
    """Changes the facts given (the others stay); every fact is checked before any is stored."""
    if not isinstance(values, Mapping):
        raise ValidationFailed(N_("Send the facts as an object."), field="form")
    before = municipality_facts(db, defaults)
    wanted = {key: _clean(values, key) for key in FACT_KEYS if key in values}
    stored = {row.key: row for row in db.scalars(select(MunicipalityFact))}
    for key, value in wanted.items():
        if value == before[key]:
            continue
        row = stored.get(key) or MunicipalityFact(key=key)
        row.value, row.updated_at = value, now
        db.add(row)
    db.flush()
    after = municipality_facts(db, defaults)
    if after != before:
        record_event(
            db,
            actor_type="user",
            actor_id=user_id,
            action=UPDATE,
            detail={"before": before, "after": after},
            now=now,
        )
    return after


def municipality_history(db: Session, *, limit: int = 100) -> list[AuditEvent]:
    """The changes of the facts, newest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.action == UPDATE)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))
