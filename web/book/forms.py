"""Reading each /book step's form: the cleaned value, or an error message per form field.

The citizen's details go through the same rules as the API (`booking.bookings.clean_name`,
`normalise_phone`, `clean_email`); the messages are the page's own, in the page's language,
and name what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.bookings import clean_email, clean_name, normalise_phone
from booking.errors import BookingError, ValidationFailed
from booking.models import Service
from booking.slots import local_date, search_slots, service_modes
from web.api.validation import timestamp
from web.errors import ApiError

MAX_FIELD_LENGTH = 400

Errors = dict[str, str]


@dataclass
class StepResult:
    values: dict[str, str | None] = field(default_factory=dict)
    errors: Errors = field(default_factory=dict)


def _text(form: Mapping[str, str], name: str) -> str:
    value = form.get(name, "")
    return value[:MAX_FIELD_LENGTH] if isinstance(value, str) else ""


def active_services(session: Session) -> list[Service]:
    return list(
        session.scalars(select(Service).where(Service.active.is_(True)).order_by(Service.id))
    )


def active_service(session: Session, code: str | None) -> Service | None:
    """The active service with this code, if any."""
    if not code:
        return None
    return session.scalar(select(Service).where(Service.code == code, Service.active.is_(True)))


def read_service(session: Session, form: Mapping[str, str]) -> StepResult:
    code = _text(form, "service")
    if code not in {s.code for s in active_services(session)}:
        return StepResult(errors={"service": _("Choose what the meeting is about.")})
    return StepResult(values={"service": code})


def read_mode(service: Service, form: Mapping[str, str]) -> StepResult:
    """One of the modes `service` offers; anything else (unknown, not offered) is an error."""
    mode = _text(form, "mode")
    if mode not in service_modes(service):
        return StepResult(errors={"mode": _("Choose how you want to meet.")})
    return StepResult(values={"mode": mode})


def parse_time(raw: str) -> datetime | None:
    try:
        return timestamp(raw, field="meeting_time")
    except ApiError:
        return None


def is_free(
    session: Session, service: str, start: datetime, *, now: datetime, mode: str | None = None
) -> bool:
    """Whether `start` is one of the service's free slots (in `mode`) right now."""
    day = local_date(start)
    try:
        slots = search_slots(session, service, day, day, now=now, mode=mode)
    except BookingError:
        return False
    return any(slot.start == start for slot in slots)


def read_time(
    session: Session,
    service: str,
    form: Mapping[str, str],
    *,
    now: datetime,
    mode: str | None = None,
) -> StepResult:
    raw = _text(form, "meeting_time")
    if not raw:
        return StepResult(errors={"meeting_time": _("Choose a time.")})
    start = parse_time(raw)
    if start is None or not is_free(session, service, start, now=now, mode=mode):
        return StepResult(
            errors={"meeting_time": _("That time is not free. Choose one of the times shown.")}
        )
    return StepResult(values={"meeting_time": raw})


def read_details(form: Mapping[str, str]) -> StepResult:
    """Name, mobile number and the optional e-mail; every field checked, all errors at once."""
    result = StepResult()
    raw = {name: _text(form, name) for name in ("citizen_name", "citizen_phone", "citizen_email")}
    result.values = dict(raw)
    checks = (
        ("citizen_name", clean_name, _("Enter your name (at most 200 characters).")),
        (
            "citizen_phone",
            normalise_phone,
            _("Enter a valid mobile number, for example 20 30 40 50 or +45 20 30 40 50."),
        ),
        (
            "citizen_email",
            clean_email,
            _("Enter a valid e-mail address, for example navn@example.dk, or leave it empty."),
        ),
    )
    for name, check, message in checks:
        try:
            result.values[name] = check(raw[name])
        except ValidationFailed:
            result.errors[name] = message
    return result


def read_consent(form: Mapping[str, str]) -> StepResult:
    if _text(form, "consent_given") != "yes":
        return StepResult(errors={"consent_given": _("To book, tick the box to accept the terms.")})
    return StepResult(
        values={"sms_reminders": "yes" if _text(form, "sms_reminders") == "yes" else None}
    )
