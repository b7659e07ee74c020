"""The bodies of /api/v1 as pydantic models: what a request may carry, what an answer holds.

Requests are validated against these models (`web.api.contract.parse_body`/`parse_query`) and
the OpenAPI document is generated from them; the rules no schema can say (a time in the past, a
slot taken, an unknown service) stay in `booking/` and answer 422/409/404.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask_babel import lazy_gettext
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from booking.bookings.tokens import REFERENCE_ALPHABET
from booking.slots import UNKNOWN_MODE
from web.api.validation import MAX_YEAR, MIN_YEAR

Mode = Literal["video", "phone", "in_person"]
Language = Literal["da", "en"]
Channel = Literal["chat", "web", "sms", "phone"]
Purpose = Literal["booking", "sms_reminders", "chat_transcript"]

# A reference as people type it: case, a space or the dash between the halves are optional.
_REF_CHARS = REFERENCE_ALPHABET + REFERENCE_ALPHABET.lower()
REFERENCE_PATTERN = f"^[{_REF_CHARS}]{{4}}[- ]?[{_REF_CHARS}]{{4}}$"
MANAGE_TOKEN = {
    "X-Manage-Token": {
        "schema": {"type": "string", "maxLength": 200},
        "description": "The booking's manage token (`manage_token` of the booking's creation "
        "or of a lookup); a caseworker's session may stand in for it where allowed.",
    }
}
# The operations on a booking, reached from its creation with its reference and token.
BOOKING_LINKS = {
    name: {
        "operationId": operation_id,
        "parameters": {
            "reference": "$response.body#/reference",
            "header.X-Manage-Token": "$response.body#/manage_token",
        },
    }
    for name, operation_id in [
        ("GetBooking", "getBooking"),
        ("CancelBooking", "cancelBooking"),
        ("RescheduleBooking", "rescheduleBooking"),
        ("EraseBooking", "eraseBooking"),
    ]
}
REFERENCE_PARAMETER = {
    "schema": {"pattern": REFERENCE_PATTERN, "maxLength": 9, "example": "K7M2-9QXD"},
    "description": "Booking reference (`K7M2-9QXD`); case and the dash are optional.",
}


def no_nul(value: str) -> str:
    if "\x00" in value:  # never meaningful, and PostgreSQL cannot store it
        raise PydanticCustomError("invalid_characters", "NUL character")
    return value


def text(max_length: int, **schema: Any) -> Any:
    """A string of at most `max_length` characters, never with a NUL character."""
    return Annotated[
        str, Field(max_length=max_length, json_schema_extra=schema or None), AfterValidator(no_nul)
    ]


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _query_date(value: object) -> date | None:
    if value is None:
        return None
    try:
        day = (
            date.fromisoformat(value) if isinstance(value, str) and _DATE.fullmatch(value) else None
        )
    except ValueError:
        day = None
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise PydanticCustomError("date_format", "a date like 2030-01-08")
    return day


QueryDate = Annotated[
    date | None,
    BeforeValidator(_query_date),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "description": f"A Copenhagen date, years {MIN_YEAR}-{MAX_YEAR}",
        }
    ),
]
TIME_TEXT = text(
    40,
    format="date-time",
    description=f"ISO 8601 with a UTC offset (`2030-01-08T09:00:00+01:00` or `…Z`), years "
    f"{MIN_YEAR}-{MAX_YEAR}",
)
TIME_SCHEMA = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset"}
Time = Annotated[datetime, WithJsonSchema(TIME_SCHEMA)]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]


class Body(BaseModel):
    """A request body or query: members not named here are ignored."""

    model_config = ConfigDict(extra="ignore", hide_input_in_errors=True)


# --- Requests --------------------------------------------------------------------------------


class CitizenDetails(Body):
    name: text(400)  # type: ignore[valid-type]
    phone: text(40, description="Danish if no country code")  # type: ignore[valid-type]
    email: text(320, format="email") | None = None  # type: ignore[valid-type]


class Consent(Body):
    purpose: Purpose
    text_version: StrictInt = Field(ge=1, le=2**31 - 1)


class BookingRequest(Body):
    model_config = ConfigDict(
        extra="ignore",
        hide_input_in_errors=True,
        json_schema_extra={
            "examples": [
                {
                    "service": "jobcenter",
                    "start": "2030-01-08T09:00:00+01:00",
                    "citizen": {"name": "Anna Jensen", "phone": "20 30 40 50"},
                    "language": "da",
                    "channel": "web",
                    "consents": [{"purpose": "booking", "text_version": 1}],
                }
            ]
        },
    )
    # in the order they are checked: the first wrong one is named in the 422
    citizen: CitizenDetails
    consents: list[Consent] = Field(
        max_length=10, description="Must include the purpose 'booking'."
    )
    service: text(40)  # type: ignore[valid-type]
    start: TIME_TEXT  # type: ignore[valid-type]
    language: Language = "da"
    channel: Channel
    conversation_id: (
        text(  # type: ignore[valid-type]
            255,
            description="The assistant conversation (Rasa sender id) the booking is made in; "
            "erasing the citizen's data deletes that conversation too.",
        )
        | None
    ) = None
    mode: Mode = Field("video", description="How citizen and caseworker meet.")


BOOKING_MESSAGES = {
    ("consents[]", "*"): lazy_gettext("A consent is {purpose, text_version}."),
    ("consents", "too_long"): lazy_gettext("Too many consents."),
    ("language", "literal_error"): "Language must be 'da' or 'en'.",
    ("channel", "literal_error"): "Channel must be chat, web, sms or phone.",
    ("mode", "literal_error"): UNKNOWN_MODE,
}


class CancelRequest(Body):
    reason: text(500) | None = None  # type: ignore[valid-type]


class RescheduleRequest(Body):
    """`start` may be left out when `mode` is given (the time is kept)."""

    start: TIME_TEXT | None = None  # type: ignore[valid-type]
    mode: Mode | None = None


class LookupRequest(Body):
    reference: text(40)  # type: ignore[valid-type]
    phone: text(40)  # type: ignore[valid-type]


class LookupConfirmation(Body):
    reference: text(40)  # type: ignore[valid-type]
    code: text(20, description="The 6 digits sent by SMS (spaces allowed)")  # type: ignore[valid-type]


class SlotQuery(Body):
    from_: QueryDate = Field(None, alias="from")
    to: QueryDate = None
    mode: Mode | None = Field(
        None,
        description="Only times someone holds meetings of this mode; a mode the service does "
        "not offer is 422.",
    )


class ConsentTextQuery(Body):
    language: Language = "da"


# --- Answers ---------------------------------------------------------------------------------


class Bilingual(BaseModel):
    da: str
    en: str


class Place(BaseModel):
    address: Bilingual
    directions: Bilingual


class PhoneCall(BaseModel):
    """Who calls whom, on which number (phone meetings)."""

    caller: Literal["caseworker"]
    number: str | None


class Service(BaseModel):
    code: str
    name: Bilingual
    description: Bilingual
    duration_minutes: int
    modes: list[Mode] = Field(min_length=1)
    in_person: Place | None = Field(
        None, description="Where in-person meetings are held; present when in_person is offered."
    )


class Slot(BaseModel):
    start: Time
    end: Time


class MeetingDetails(BaseModel):
    mode: Mode
    meeting_url: Url | None = Field(None, description="The video meeting's page (video only).")
    ics_url: Url
    location: Place | None = Field(None, description="in_person only: where the meeting is")
    phone_call: PhoneCall | None = None


class BookingCreated(MeetingDetails):
    reference: str
    manage_token: str = Field(description="Shown once; keep it secret.")
    service: str
    start: Time
    end: Time
    status: str


class CitizenView(BaseModel):
    name: str | None
    phone: str | None
    email: str | None


class Booking(MeetingDetails):
    reference: str
    service: str
    service_name: Bilingual
    start: Time
    end: Time
    status: Literal["confirmed", "cancelled", "completed", "no_show"]
    citizen: CitizenView
    language: Language
    channel: Channel
    cancel_reason: str | None = None
    caseworker_note: str | None = Field(None, description="Staff only")


class Erased(BaseModel):
    reference: str
    erased: bool


class ConsentText(BaseModel):
    purpose: str
    version: int
    text: str


class LookupStarted(BaseModel):
    message: str


class ManageTokenIssued(BaseModel):
    manage_token: str


class Municipality(BaseModel):
    name: str
    phone: str
    address: str
    opening_hours: Bilingual
    privacy_url: Url
