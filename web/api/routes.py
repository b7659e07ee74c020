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
from web.api.callers import (
    booking_auth,
    create_limit,
    idempotency_scope,
    lookup_limit,
    manage_token,
    public_limit,
    service_token_id,
)
from web.api.openapi import document
from web.api.payloads import (
    booking_json,
    links,
    meeting_details,
    optional_mode,
    parse_booking_request,
)
from web.api.validation import (
    invalid,
    iso,
    json_body,
    query_date,
    required_string,
    string,
    timestamp,
)
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
def create_booking() -> Any:
    key = request.headers.get("Idempotency-Key")
    if key is not None:
        key = idempotency.check_key(key)
    booking_request = parse_booking_request(json_body())
    created = services.book(
        get_db(),
        booking_request,
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


@blueprint.get("/bookings/<reference>")
@public_limit
def get_booking(reference: str) -> Any:
    view = services.get(get_db(), reference, auth=booking_auth(), now=now())
    return _private(booking_json(view))


@blueprint.post("/bookings/<reference>/cancel")
@public_limit
def cancel_booking(reference: str) -> Any:
    auth = booking_auth()
    body = json_body(optional=True)
    reason = string(body, "reason", max_length=500, required=False)
    view = services.cancel(
        get_db(), reference, auth=auth, reason=reason, now=now(), settings=_settings()
    )
    return _private(booking_json(view))


@blueprint.post("/bookings/<reference>/reschedule")
@public_limit
def reschedule_booking(reference: str) -> Any:
    auth = booking_auth()
    body = json_body()
    mode = optional_mode(body)
    # changing the mode is a move: without a new start the booking keeps its time
    raw_start = string(body, "start", max_length=40, required=mode is None)
    start = timestamp(raw_start) if raw_start is not None else None
    view = services.reschedule(
        get_db(), reference, start, auth=auth, now=now(), settings=_settings(), mode=mode
    )
    return _private(booking_json(view))


@blueprint.post("/bookings/<reference>/erase")
@public_limit
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
def list_slots(code: str) -> Any:
    moment = now()
    date_from = query_date("from", local_date(moment))
    date_to = query_date("to", date_from + timedelta(days=DEFAULT_SEARCH_DAYS - 1))
    mode = request.args.get("mode") or None
    with get_db().transaction() as session:
        slots = search_slots(session, code, date_from, date_to, now=moment, mode=mode)
    return [{"start": iso(s.start), "end": iso(s.end)} for s in slots]


@blueprint.get("/consent-texts")
@public_limit
def list_consent_texts() -> Any:
    language = request.args.get("language", "da")
    if language not in ("da", "en"):
        raise invalid("language", _("Language must be 'da' or 'en'."))
    with get_db().transaction() as session:
        return [
            {"purpose": t.purpose, "version": t.version, "text": t.text}
            for t in active_texts(session, language)
        ]


# --- Finding a booking again: a code by SMS for a new manage token ----------------------------


@blueprint.post("/bookings/lookup")
@lookup_limit
def start_lookup() -> Any:
    """Always 202, whether or not the reference and phone match (nothing to probe)."""
    body = json_body()
    reference = required_string(body, "reference", max_length=40)
    phone = required_string(body, "phone", max_length=40)
    services.start_lookup(get_db(), reference, phone, now=now(), sms_sender=get_sms_sender())
    return {"message": _("If the details match, we send a code by SMS.")}, 202


@blueprint.post("/bookings/lookup/confirm")
@lookup_limit
def confirm_lookup() -> Any:
    body = json_body()
    reference = required_string(body, "reference", max_length=40)
    code = required_string(body, "code", max_length=20)
    token = services.confirm_lookup(get_db(), reference, code, now=now())
    return {"manage_token": token}, 200, {"Cache-Control": "no-store"}


# --- About the API and the municipality -------------------------------------------------------


@blueprint.get("/municipality")
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
def openapi() -> Any:
    return document(current_app.config["PUBLIC_BASE_URL"] + "/api/v1")
