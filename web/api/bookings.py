"""POST /bookings, GET /bookings/{ref}, POST /bookings/{ref}/cancel and /reschedule."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, jsonify, request

from booking import bookings as services
from booking.bookings import BookingView, idempotency
from booking.meetings import LinkSettings, ics_url, meeting_url
from booking.privacy import ConsentGiven
from web.api import blueprint
from web.api.auth import booking_auth, create_limit, idempotency_scope, public_limit
from web.api.validation import (
    invalid,
    iso,
    json_body,
    obj_member,
    required_string,
    string,
    timestamp,
)
from web.extensions import get_db, now


def _settings() -> services.BookingSettings:
    return services.BookingSettings.from_mapping(current_app.config)


def _links(reference: str) -> dict[str, str]:
    settings = LinkSettings.from_mapping(current_app.config)
    return {
        "meeting_url": meeting_url(settings, reference),
        "ics_url": ics_url(settings, reference),
    }


def _parse_request(body: dict[str, Any]) -> services.BookingRequest:
    citizen = obj_member(body, "citizen")
    consents = body.get("consents")
    if not isinstance(consents, list):
        raise invalid(
            "consents", "Feltet 'consents' skal være en liste. / 'consents' must be a list."
        )
    if len(consents) > 10:
        raise invalid("consents", "For mange samtykker. / Too many consents.")
    given = []
    for i, item in enumerate(consents):
        version = item.get("text_version") if isinstance(item, dict) else None
        purpose = item.get("purpose") if isinstance(item, dict) else None
        if not isinstance(purpose, str) or type(version) is not int:
            raise invalid(
                f"consents[{i}]",
                "Et samtykke er {purpose, text_version}. / A consent is {purpose, text_version}.",
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
    )


@blueprint.post("/bookings")
@create_limit
def create_booking() -> Any:
    key = request.headers.get("Idempotency-Key")
    if key is not None:
        key = idempotency.check_key(key)
    booking_request = _parse_request(json_body())
    created = services.book(
        get_db(),
        booking_request,
        now=now(),
        settings=_settings(),
        idempotency_scope=idempotency_scope(),
        idempotency_key=key,
    )
    response: Response = jsonify(
        {
            "reference": created.reference,
            "manage_token": created.manage_token,
            "service": created.service,
            "start": iso(created.start),
            "end": iso(created.end),
            "status": created.status,
            **_links(created.reference),
        }
    )
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    if created.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _view(booking: BookingView) -> dict[str, Any]:
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
        **_links(booking.reference),
    }
    if booking.cancel_reason:
        body["cancel_reason"] = booking.cancel_reason
    if booking.caseworker_note is not None:
        body["caseworker_note"] = booking.caseworker_note
    return body


def _private(body: dict[str, Any]) -> Response:
    response: Response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/bookings/<reference>")
@public_limit
def get_booking(reference: str) -> Any:
    view = services.get(get_db(), reference, auth=booking_auth(), now=now())
    return _private(_view(view))


@blueprint.post("/bookings/<reference>/cancel")
@public_limit
def cancel_booking(reference: str) -> Any:
    auth = booking_auth()
    body = json_body(optional=True)
    reason = string(body, "reason", max_length=500, required=False)
    view = services.cancel(
        get_db(), reference, auth=auth, reason=reason, now=now(), settings=_settings()
    )
    return _private(_view(view))


@blueprint.post("/bookings/<reference>/reschedule")
@public_limit
def reschedule_booking(reference: str) -> Any:
    auth = booking_auth()
    body = json_body()
    start = timestamp(required_string(body, "start", max_length=40))
    view = services.reschedule(
        get_db(), reference, start, auth=auth, now=now(), settings=_settings()
    )
    return _private(_view(view))
