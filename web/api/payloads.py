"""The JSON of the booking endpoints: a booking request from a body, a body from a booking."""

from __future__ import annotations

from typing import Any

from flask import current_app

from booking import bookings as services
from booking.bookings import BookingView
from booking.meetings import LinkSettings, ics_url, meeting_url
from booking.models import MeetingMode
from booking.names import redact_cpr
from booking.privacy import ConsentGiven
from booking.slots import DEFAULT_MODE
from web.api.schemas import BookingRequest
from web.api.validation import iso, timestamp

PHONE = MeetingMode.PHONE.value


def links(reference: str, mode: str) -> dict[str, str]:
    """`ics_url` always; `meeting_url` (the video meeting) only for a video meeting."""
    settings = LinkSettings.from_mapping(current_app.config)
    body = {"ics_url": ics_url(settings, reference)}
    if mode == DEFAULT_MODE:
        body["meeting_url"] = meeting_url(settings, reference)
    return body


def booking_request(body: BookingRequest) -> services.BookingRequest:
    """The use case's request from a validated body (the start is parsed here: 422 `start`)."""
    return services.BookingRequest(
        service=body.service,
        start=timestamp(body.start),
        name=body.citizen.name,
        phone=body.citizen.phone,
        email=body.citizen.email,
        language=body.language,
        channel=body.channel,
        consents=tuple(
            ConsentGiven(purpose=c.purpose, text_version=c.text_version) for c in body.consents
        ),
        conversation_id=body.conversation_id,
        mode=body.mode,
    )


def meeting_details(booking: BookingView) -> dict[str, Any]:
    """`location` for an in-person meeting, `phone_call` (who calls whom) for a phone one."""
    if booking.place is not None:
        return {
            "location": {
                "address": {lang: p.address for lang, p in booking.place.items()},
                "directions": {lang: p.directions for lang, p in booking.place.items()},
            }
        }
    if booking.mode == PHONE:
        return {"phone_call": {"caller": "caseworker", "number": booking.citizen_phone}}
    return {}


def booking_json(booking: BookingView) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": booking.reference,
        "service": booking.service,
        "service_name": booking.service_name,
        "start": iso(booking.start),
        "end": iso(booking.end),
        "status": booking.status,
        "citizen": {
            "name": redact_cpr(booking.citizen_name),
            "phone": booking.citizen_phone,
            "email": booking.citizen_email,
        },
        "language": booking.language,
        "channel": booking.channel,
        "mode": booking.mode,
        **links(booking.reference, booking.mode),
    }
    body.update(meeting_details(booking))
    if booking.cancel_reason:
        body["cancel_reason"] = booking.cancel_reason
    if booking.caseworker_note is not None:
        body["caseworker_note"] = booking.caseworker_note
    return body
