"""Creating and changing meeting types (services), with validation per field and history.

Fields are named as the `Service` columns (and the admin API's JSON). A change is one
`audit_events` row (`service.create` / `service.update`) holding the service's code and its
values before and after, written in the caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.errors import NotFound, ValidationFailed
from booking.i18n import N_
from booking.models import AuditEvent, MeetingMode, Service
from booking.privacy import record_event

CODE = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")
MAX_NAME, MAX_TEXT = 200, 2000
MAX_REMINDERS = 5


@dataclass(frozen=True)
class Whole:
    """A whole-number setting and the range it must lie in."""

    low: int
    high: int


NUMBERS = {
    "duration_minutes": Whole(5, 480),
    "buffer_minutes": Whole(0, 240),
    "slot_step_minutes": Whole(5, 480),
    "min_notice_minutes": Whole(0, 60 * 24 * 30),
    "horizon_days": Whole(1, 365),
    "retention_days": Whole(1, 3650),
}
TEXTS = ("name_da", "name_en", "description_da", "description_en")
PLACES = ("address_da", "address_en", "directions_da", "directions_en")
SERVICE_FIELDS = (
    *TEXTS,
    *NUMBERS,
    "reminder_offsets_minutes",
    "modes",
    *PLACES,
    "active",
)
HISTORY_ACTIONS = ("service.create", "service.update")


def service_values(service: Service) -> dict[str, Any]:
    """The service's settings as a plain value: the API's JSON and the history's before/after."""
    values = {field: getattr(service, field) for field in SERVICE_FIELDS}
    values["reminder_offsets_minutes"] = list(service.reminder_offsets_minutes)
    values["modes"] = list(service.modes)
    return {"code": service.code, **values}


def _text(values: Mapping[str, Any], field: str, *, required: bool, limit: int) -> str:
    raw = values.get(field, "")
    if not isinstance(raw, str):
        raise ValidationFailed(N_("Write a text."), field=field)
    text = raw.strip()
    if required and not text:
        raise ValidationFailed(N_("This cannot be empty."), field=field)
    if len(text) > limit:
        raise ValidationFailed(N_("At most %(limit)s characters."), field=field, limit=limit)
    return text


def _whole(value: Any, field: str, rule: Whole) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(N_("Write a whole number."), field=field)
    if not rule.low <= value <= rule.high:
        raise ValidationFailed(
            N_("Give a number from %(low)s to %(high)s."), field=field, low=rule.low, high=rule.high
        )
    return value


def _reminders(raw: Any) -> list[int]:
    field = "reminder_offsets_minutes"
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[,\s]+", raw) if part]
    if not isinstance(raw, list):
        raise ValidationFailed(N_("Give the reminder times as a list of minutes."), field=field)
    offsets = [_whole(item, field, Whole(1, 60 * 24 * 14)) for item in raw]
    if len(set(offsets)) != len(offsets):
        raise ValidationFailed(N_("Give each reminder time once."), field=field)
    if len(offsets) > MAX_REMINDERS:
        raise ValidationFailed(N_("At most %(limit)s reminders."), field=field, limit=MAX_REMINDERS)
    return sorted(offsets, reverse=True)


def _modes(raw: Any) -> list[str]:
    allowed = [mode.value for mode in MeetingMode]
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(N_("Offer at least one way to meet."), field="modes")
    if any(mode not in allowed for mode in raw) or len(set(raw)) != len(raw):
        raise ValidationFailed(N_("Choose among video, phone and in person."), field="modes")
    return [mode for mode in allowed if mode in raw]


def clean_service(values: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting checked and normalised; the first broken rule is refused with its field."""
    if not isinstance(values, Mapping):
        raise ValidationFailed(N_("Send the settings as an object."), field="form")
    cleaned: dict[str, Any] = {}
    for field in TEXTS:
        limit = MAX_NAME if field.startswith("name") else MAX_TEXT
        cleaned[field] = _text(values, field, required=field.startswith("name"), limit=limit)
    for field, rule in NUMBERS.items():
        cleaned[field] = _whole(values.get(field), field, rule)
    if cleaned["slot_step_minutes"] > cleaned["duration_minutes"] + cleaned["buffer_minutes"]:
        raise ValidationFailed(
            N_("The slot step cannot be longer than the meeting and its buffer."),
            field="slot_step_minutes",
        )
    cleaned["reminder_offsets_minutes"] = _reminders(values.get("reminder_offsets_minutes", []))
    cleaned["modes"] = _modes(values.get("modes"))
    in_person = MeetingMode.IN_PERSON.value in cleaned["modes"]
    for field in PLACES:
        required = in_person and field.startswith("address")
        cleaned[field] = _text(values, field, required=required, limit=MAX_TEXT)
    active = values.get("active", True)
    if not isinstance(active, bool):
        raise ValidationFailed(N_("Say yes or no."), field="active")
    cleaned["active"] = active
    return cleaned


def _record(
    db: Session, service: Service, action: str, before: Any, *, user_id: int | None, now: datetime
) -> None:
    db.flush()
    record_event(
        db,
        actor_type="user",
        actor_id=user_id,
        action=action,
        detail={"service": service.code, "before": before, "after": service_values(service)},
        now=now,
    )


def get_service(db: Session, code: str) -> Service:
    service = db.scalar(select(Service).where(Service.code == code))
    if service is None:
        raise NotFound(N_("There is no meeting type “%(code)s”."), code=code)
    return service


def create_service(
    db: Session, code: Any, values: Mapping[str, Any], *, user_id: int | None, now: datetime
) -> Service:
    """A new meeting type; `code` is its lasting name in URLs and the API (`jobcenter`)."""
    # "new" is the path of the form for a new meeting type
    if not isinstance(code, str) or not CODE.fullmatch(code.strip()) or code.strip() == "new":
        raise ValidationFailed(
            N_("Use 2–40 lower-case letters, digits, - or _, starting with a letter."),
            field="code",
        )
    code = code.strip()
    if db.scalar(select(Service.id).where(Service.code == code)) is not None:
        raise ValidationFailed(
            N_("A meeting type “%(code)s” exists already."), field="code", code=code
        )
    service = Service(code=code, **clean_service(values))
    db.add(service)
    _record(db, service, "service.create", None, user_id=user_id, now=now)
    return service


def update_service(
    db: Session, code: str, values: Mapping[str, Any], *, user_id: int | None, now: datetime
) -> Service:
    """Changes the settings given (the others stay as they are)."""
    service = get_service(db, code)
    before = service_values(service)
    if not isinstance(values, Mapping):
        raise ValidationFailed(N_("Send the settings as an object."), field="form")
    merged = {**before, **{k: v for k, v in values.items() if k in SERVICE_FIELDS}}
    for field, value in clean_service(merged).items():
        setattr(service, field, value)
    _record(db, service, "service.update", before, user_id=user_id, now=now)
    return service


def service_history(db: Session, code: str, *, limit: int = 100) -> list[AuditEvent]:
    """The service's changes, newest first."""
    events = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.in_(HISTORY_ACTIONS))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return [event for event in events if event.detail.get("service") == code][:limit]


def changed_settings(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """What a history entry changed: (field, before, after) for each setting that differs."""
    before = event.detail.get("before") or {}
    after = event.detail.get("after") or {}
    return [
        (field, before.get(field), after.get(field))
        for field in SERVICE_FIELDS
        if before.get(field) != after.get(field)
    ]
