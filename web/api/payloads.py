"""The JSON of the booking endpoints: a booking request from a body, a body from a booking."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from booking import bookings as services
from booking.bookings import BookingView
from booking.meetings import LinkSettings, ics_url, meeting_url
from booking.privacy import ConsentGiven
from web.api.validation import invalid, iso, obj_member, required_string, string, timestamp


def links(reference: str) -> dict[str, str]:
    settings = LinkSettings.from_mapping(current_app.config)
    return {
        "meeting_url": meeting_url(settings, reference),
        "ics_url": ics_url(settings, reference),
    }


def parse_booking_request(body: dict[str, Any]) -> services.BookingRequest:
    citizen = obj_member(body, "citizen")
    consents = body.get("consents")
    if not isinstance(consents, list):
        raise invalid("consents", _("The field '%(field)s' must be a list.", field="consents"))
    if len(consents) > 10:
        raise invalid("consents", _("Too many consents."))
    given = []
    for i, item in enumerate(consents):
        version = item.get("text_version") if isinstance(item, dict) else None
        purpose = item.get("purpose") if isinstance(item, dict) else None
        if not isinstance(purpose, str) or type(version) is not int:
            raise invalid(
                f"consents[{i}]",
                _("A consent is {purpose, text_version}."),
            )
        given.append(ConsentGiven(purpose=purpose, text_version=version))
    return services.BookingRequest(
        service=required_string(body, "service", max_length=40),
        start=timestamp(required_string(body, "start", max_length=40)),
        name=required_string(citizen, "name", path="citizen.name", max_length=400),
        phone=required_string(citizen, "phone", path="citizen.phone", max_length=40),
        email=string(citizen, "email", path="citizen.email", max_length=320, required=False),
        language=string(body, "language", max_length=5, required=False) or "da",
        channel=required_string(body, "channel", max_length=10),
        consents=tuple(given),
        conversation_id=string(body, "conversation_id", max_length=255, required=False),
    )


def booking_json(booking: BookingView) -> dict[str, Any]:
    body: dict[str, Any] = {
        "reference": booking.reference,
        "service": booking.service,
        "service_name": booking.service_name,
        "start": iso(booking.start),
        "end": iso(booking.end),
        "status": booking.status,
        "citizen": {
            "name": booking.citizen_name,
            "phone": booking.citizen_phone,
            "email": booking.citizen_email,
        },
        "language": booking.language,
        "channel": booking.channel,
        **links(booking.reference),
    }
    if booking.cancel_reason:
        body["cancel_reason"] = booking.cancel_reason
    if booking.caseworker_note is not None:
        body["caseworker_note"] = booking.caseworker_note
    return body
