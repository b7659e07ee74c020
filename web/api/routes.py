"""The views of /api/v1: the catalogue, bookings, lookup by SMS code, municipality facts.

Each view reads its input (`web.api.validation`, `web.api.payloads`), calls one booking use case
and answers JSON; domain errors become JSON errors in `web.errors`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from booking import bookings as services
from booking.bookings import idempotency
from booking.models import MeetingMode, Service
from booking.privacy import active_texts
from booking.slots import local_date, search_slots, service_modes
from web.api import blueprint
from web.api import schemas as s
from web.api.callers import (
    booking_auth,
    create_limit,
    idempotency_scope,
    lookup_limit,
    manage_token,
    public_limit,
    service_token_id,
)
from web.api.contract import operation, parse_body, parse_query
from web.api.openapi import MANAGE_AUTH, PUBLIC, document, limited
from web.api.payloads import booking_json, booking_request, links, meeting_details
from web.api.validation import invalid, iso, timestamp
from web.extensions import get_conversations, get_db, get_sms_sender, now
from web.municipality import facts, municipal_config

DEFAULT_SEARCH_DAYS = 7


@blueprint.before_request
def _check_service_token() -> None:
    """A wrong service token is a 401 on every route, not a silent fall-back to public."""
    service_token_id()


def _settings() -> services.BookingSettings:
    return services.BookingSettings.from_mapping(municipal_config())


@blueprint.post("/bookings")
@create_limit
@operation(
    "createBooking",
    "Book a meeting",
    body=s.BookingRequest,
    responses={201: s.BookingCreated},
    errors=limited(400, 404, 409, 413, 422),
    security=PUBLIC,
    headers={
        "Idempotency-Key": {
            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": "A retry with the same key and body returns the first response "
            "(24 hours); a different body gives 422.",
        }
    },
    links={201: s.BOOKING_LINKS},
    errors_text={
        404: "No such service",
        409: "The slot was taken meanwhile",
        422: "Invalid input, `field` names it; also a start in the past, outside the booking "
        "horizon or not a free slot, or without the 'booking' consent",
    },
)
def create_booking() -> Any:
    key = request.headers.get("Idempotency-Key")
    if key is not None:
        key = idempotency.check_key(key)
    body = parse_body(s.BookingRequest, messages=s.BOOKING_MESSAGES)
    created = services.book(
        get_db(),
        booking_request(body),
        now=now(),
        # the configured defaults: book() reads the stored municipality facts in its transaction
        settings=services.BookingSettings.from_mapping(current_app.config),
        idempotency_scope=idempotency_scope(),
        idempotency_key=key,
    )
    # a replayed answer is read again (the stored answer holds no meeting details)
    view = created.view or services.get(
        get_db(), created.reference, auth=services.ManageToken(created.manage_token), now=now()
    )
    response: Response = jsonify(
        {
            "reference": created.reference,
            "manage_token": created.manage_token,
            "service": created.service,
            "start": iso(created.start),
            "end": iso(created.end),
            "status": created.status,
            "mode": created.mode,
            **links(created.reference, created.mode),
            **meeting_details(view),
        }
    )
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    if created.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _private(body: dict[str, Any]) -> Response:
    response: Response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/bookings/<reference:reference>")
@public_limit
@operation(
    "getBooking",
    "A booking, for its citizen (manage token) or staff",
    responses={200: s.Booking},
    errors=limited(401, 403, 404),
    security=MANAGE_AUTH,
    path={"reference": s.REFERENCE_PARAMETER},
    headers=s.MANAGE_TOKEN,
)
def get_booking(reference: str) -> Any:
    view = services.get(get_db(), reference, auth=booking_auth(), now=now())
    return _private(booking_json(view))


@blueprint.post("/bookings/<reference:reference>/cancel")
@public_limit
@operation(
    "cancelBooking",
    "Cancel a booking",
    body=s.CancelRequest,
    body_required=False,
    responses={200: s.Booking},
    errors=limited(400, 401, 403, 404, 409, 413, 422),
    security=MANAGE_AUTH,
    path={"reference": s.REFERENCE_PARAMETER},
    headers=s.MANAGE_TOKEN,
    errors_text={409: "Already cancelled, or the meeting has begun"},
)
def cancel_booking(reference: str) -> Any:
    auth = booking_auth()
    body = parse_body(s.CancelRequest, optional=True)
    view = services.cancel(
        get_db(), reference, auth=auth, reason=body.reason, now=now(), settings=_settings()
    )
    return _private(booking_json(view))


@blueprint.post("/bookings/<reference:reference>/reschedule")
@public_limit
@operation(
    "rescheduleBooking",
    "Move a booking to another free slot, or change its mode",
    description="Changing the mode is a move: same rules, audited, the citizen is told. "
    "`start` may be left out when `mode` is given (the time is kept); without either the "
    "answer is 422 naming `start`.",
    body=s.RescheduleRequest,
    responses={200: s.Booking},
    errors=limited(400, 401, 403, 404, 409, 413, 422),
    security=MANAGE_AUTH,
    path={"reference": s.REFERENCE_PARAMETER},
    headers=s.MANAGE_TOKEN,
    errors_text={
        409: "The new slot was taken meanwhile, or the booking is cancelled or past",
        422: "Invalid input, `field` names it; also a start in the past or not a free slot, "
        "or a mode the service does not offer",
    },
)
def reschedule_booking(reference: str) -> Any:
    auth = booking_auth()
    body = parse_body(s.RescheduleRequest, messages=s.BOOKING_MESSAGES)
    # changing the mode is a move: without a new start the booking keeps its time
    if body.start is None and body.mode is None:
        raise invalid("start", _("The field '%(field)s' is missing.", field="start"))
    start = timestamp(body.start) if body.start is not None else None
    view = services.reschedule(
        get_db(), reference, start, auth=auth, now=now(), settings=_settings(), mode=body.mode
    )
    return _private(booking_json(view))


@blueprint.post("/bookings/<reference:reference>/erase")
@public_limit
@operation(
    "eraseBooking",
    "Erase the citizen's data (cancels an upcoming meeting; deletes the conversation the "
    "booking was made in). Manage token only.",
    responses={200: s.Erased},
    errors=limited(401, 403, 404, 409),
    security=[{"manageToken": []}],
    path={"reference": s.REFERENCE_PARAMETER},
    headers=s.MANAGE_TOKEN,
)
def erase_booking(reference: str) -> Any:
    """The citizen's erasure (GDPR art. 17), as on the manage page: only with the manage token
    (also the one the assistant's SMS-code lookup hands out). The meeting is cancelled if ahead,
    personal data removed, and the conversation the booking was made in deleted."""
    services.erase(
        get_db(), reference, auth=manage_token(), now=now(), conversations=get_conversations()
    )
    return _private({"reference": reference.upper(), "erased": True})


# --- The catalogue: services, free slots, consent texts ---------------------------------------


@blueprint.get("/services")
@public_limit
@operation(
    "listServices",
    "Bookable services",
    responses={200: list[s.Service]},
    errors=limited(),
    security=PUBLIC,
)
def list_services() -> Any:
    with get_db().transaction() as session:
        offered = session.scalars(
            select(Service).where(Service.active.is_(True)).order_by(Service.id)
        ).all()
        return [
            {
                "code": s.code,
                "name": {"da": s.name_da, "en": s.name_en},
                "description": {"da": s.description_da, "en": s.description_en},
                "duration_minutes": s.duration_minutes,
                **_modes_json(s),
            }
            for s in offered
        ]


def _modes_json(service: Service) -> dict[str, Any]:
    modes = service_modes(service)
    body: dict[str, Any] = {"modes": modes}
    if MeetingMode.IN_PERSON.value in modes:
        body["in_person"] = {
            "address": {"da": service.address_da, "en": service.address_en or service.address_da},
            "directions": {
                "da": service.directions_da,
                "en": service.directions_en or service.directions_da,
            },
        }
    return body


@blueprint.get("/services/<code>/slots")
@public_limit
@operation(
    "listSlots",
    "Free slots of a service between two Copenhagen dates (inclusive)",
    description=f"`from` defaults to today, `to` to {DEFAULT_SEARCH_DAYS} days from `from`.",
    query=s.SlotQuery,
    responses={200: list[s.Slot]},
    errors=limited(404, 422),
    security=PUBLIC,
    path={"code": {"schema": {"maxLength": 40, "examples": ["jobcenter"]}}},
    errors_text={
        422: "Invalid input, `field` names it; also `to` before `from`, or a window longer "
        "than the search allows, or a mode the service does not offer"
    },
)
def list_slots(code: str) -> Any:
    moment = now()
    query = parse_query(s.SlotQuery, messages=s.BOOKING_MESSAGES)
    date_from = query.from_ or local_date(moment)
    date_to = query.to or date_from + timedelta(days=DEFAULT_SEARCH_DAYS - 1)
    with get_db().transaction() as session:
        slots = search_slots(session, code, date_from, date_to, now=moment, mode=query.mode)
    return [{"start": iso(slot.start), "end": iso(slot.end)} for slot in slots]


@blueprint.get("/consent-texts")
@public_limit
@operation(
    "listConsentTexts",
    "The consent texts in force",
    query=s.ConsentTextQuery,
    responses={200: list[s.ConsentText]},
    errors=limited(422),
    security=PUBLIC,
)
def list_consent_texts() -> Any:
    query = parse_query(s.ConsentTextQuery, messages=s.BOOKING_MESSAGES)
    with get_db().transaction() as session:
        return [
            {"purpose": t.purpose, "version": t.version, "text": t.text}
            for t in active_texts(session, query.language)
        ]


# --- Finding a booking again: a code by SMS for a new manage token ----------------------------


@blueprint.post("/bookings/lookup")
@lookup_limit
@operation(
    "startLookup",
    "Send a one-time code by SMS when reference and phone match",
    description="Always 202, whether or not a booking matched.",
    body=s.LookupRequest,
    responses={202: s.LookupStarted},
    errors=limited(400, 413, 422),
    security=PUBLIC,
)
def start_lookup() -> Any:
    """Always 202, whether or not the reference and phone match (nothing to probe)."""
    body = parse_body(s.LookupRequest)
    services.start_lookup(
        get_db(), body.reference, body.phone, now=now(), sms_sender=get_sms_sender()
    )
    return {"message": _("If the details match, we send a code by SMS.")}, 202


@blueprint.post("/bookings/lookup/confirm")
@lookup_limit
@operation(
    "confirmLookup",
    "Exchange the one-time code for a new manage token",
    description="Codes expire after 10 minutes and 5 wrong tries.",
    body=s.LookupConfirmation,
    responses={200: s.ManageTokenIssued},
    errors=limited(400, 403, 413, 422),
    security=PUBLIC,
)
def confirm_lookup() -> Any:
    body = parse_body(s.LookupConfirmation)
    token = services.confirm_lookup(get_db(), body.reference, body.code, now=now())
    return {"manage_token": token}, 200, {"Cache-Control": "no-store"}


# --- About the API and the municipality -------------------------------------------------------


@blueprint.get("/municipality")
@operation(
    "municipality",
    "The municipality's contact facts (name, phone, address, opening hours) and the address "
    "of the privacy notice",
    responses={200: s.Municipality},
    errors=(401,),
    security=PUBLIC,
)
def municipality() -> dict[str, Any]:
    """The municipality's public contact facts (configuration, unless an administrator changed
    them): the assistant fills its answers (phone, address, opening hours) from here, never
    from the bot's texts."""
    current = facts()
    return {
        "name": current.name,
        "phone": current.phone,
        "address": current.address,
        "opening_hours": {"da": current.opening_hours_da, "en": current.opening_hours_en},
        # the privacy notice, which the assistant's privacy answer names
        "privacy_url": current.privacy_notice_url,
    }


@blueprint.get("/openapi.json")
@operation(
    "openapi",
    "This document",
    responses={200: dict[str, Any]},
    errors=(401,),
    security=PUBLIC,
)
def openapi() -> Any:
    return document(current_app, current_app.config["PUBLIC_BASE_URL"] + "/api/v1")
