"""What a booking request holds, how it is checked, and the settings the use cases read.

The citizen's input is normalised here (name spacing, phone as E.164, e-mail) and refused
with a `ValidationFailed` that names the field, before any transaction starts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from booking.bookings import idempotency
from booking.bookings.phone import normalise_phone
from booking.errors import InvalidStart, ValidationFailed
from booking.i18n import N_
from booking.models import Channel
from booking.notify import NotifySettings
from booking.privacy import ConsentGiven
from booking.staff import check_email

LANGUAGES = ("da", "en")
CHANNELS = tuple(c.value for c in Channel)
MAX_NAME_LENGTH = 200
MAX_CONVERSATION_ID_LENGTH = 255


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
    # the assistant conversation (Rasa sender id) the booking is made in, if any
    conversation_id: str | None = None

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
    notify: NotifySettings

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> BookingSettings:
        """Read `SECRET_KEY` and the notification settings from e.g. `app.config`."""
        return cls(secret_key=str(config["SECRET_KEY"]), notify=NotifySettings.from_mapping(config))


def has_control_characters(text: str, *, allow: str = "") -> bool:
    """True if `text` holds control characters (NUL would even be refused by PostgreSQL)."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allow for ch in text)


def require_offset(start: datetime) -> None:
    """InvalidStart unless `start` carries a UTC offset (a naive time means nothing here)."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise InvalidStart(
            N_("The time must include a UTC offset."),
            field="start",
        )


def clean_name(raw: str) -> str:
    """The citizen's name with its spacing normalised; `ValidationFailed` on `citizen.name`."""
    name = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not 1 <= len(name) <= MAX_NAME_LENGTH or has_control_characters(name):
        raise ValidationFailed(
            N_("Enter your name (at most 200 characters)."),
            field="citizen.name",
        )
    return name


def clean_email(raw: str | None) -> str | None:
    """The normalised e-mail, or None when none was given; `ValidationFailed` on `citizen.email`."""
    if raw in (None, ""):
        return None
    try:
        email = check_email(str(raw))
        if has_control_characters(email):
            raise ValidationFailed(N_("Enter a valid e-mail address."))
    except ValidationFailed as exc:
        raise ValidationFailed(exc.template, field="citizen.email", **exc.params) from None
    return email


def clean_request(request: BookingRequest) -> BookingRequest:
    """Check and normalise the citizen's input; raises `ValidationFailed` naming the field."""
    name = clean_name(request.name)
    email = clean_email(request.email)
    if request.language not in LANGUAGES:
        raise ValidationFailed(
            N_("Language must be 'da' or 'en'."),
            field="language",
        )
    if request.channel not in CHANNELS:
        raise ValidationFailed(
            N_("Channel must be chat, web or sms."),
            field="channel",
        )
    if request.conversation_id is not None and (
        not 1 <= len(request.conversation_id) <= MAX_CONVERSATION_ID_LENGTH
        or has_control_characters(request.conversation_id)
    ):
        raise ValidationFailed(N_("Invalid conversation id."), field="conversation_id")
    require_offset(request.start)
    return replace(request, name=name, phone=normalise_phone(request.phone), email=email)
