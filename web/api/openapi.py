"""The OpenAPI 3.1 description of /api/v1 (served at /openapi.json), written by hand."""

from __future__ import annotations

from typing import Any

from web.admin_api import openapi as admin
from web.admin_api import openapi_trainings as admin_trainings

ERROR = {"$ref": "#/components/schemas/Error"}
TIME = {"type": "string", "format": "date-time", "description": "ISO 8601 with UTC offset"}
REFERENCE = {
    "name": "reference",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "example": "K7M2-9QXD"},
    "description": "Booking reference; case, spaces and the dash are optional.",
}
MANAGE_AUTH: list[dict[str, list[str]]] = [{"manageToken": []}, {"staffSession": []}]


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    names = {
        400: "Malformed JSON",
        401: "Missing or invalid credentials",
        403: "Not allowed (wrong token or code)",
        404: "Not found",
        409: "Conflict (slot taken, wrong state)",
        422: "Invalid input; `field` names it",
        429: "Rate limit exceeded (counted per client address, shared by every server); "
        "the message says how long to wait",
    }
    answers = {str(s): _json(ERROR, names[s]) for s in statuses}
    if 429 in statuses:
        answers["429"]["headers"] = {"Retry-After": RETRY_AFTER}
    return answers


RETRY_AFTER = {
    "description": "Seconds until the limit's window ends and the request may be sent again",
    "schema": {"type": "integer", "minimum": 0},
}


def _body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


BILINGUAL = {
    "type": "object",
    "required": ["da", "en"],
    "properties": {"da": {"type": "string"}, "en": {"type": "string"}},
}

BOOKING_VIEW = {"$ref": "#/components/schemas/Booking"}
MODE = {
    "enum": ["video", "phone", "in_person"],
    "description": "How citizen and caseworker meet; only video has a meeting_url.",
}
CHANNEL = {"enum": ["chat", "web", "sms", "phone"]}
LOCATION = {
    "type": "object",
    "description": "in_person only: where the meeting is held",
    "properties": {"address": BILINGUAL, "directions": BILINGUAL},
}
PHONE_CALL = {
    "type": "object",
    "description": "phone only: who calls whom, on which number",
    "properties": {
        "caller": {"enum": ["caseworker"]},
        "number": {"type": ["string", "null"]},
    },
}
MEETING_URL = {
    "type": "string",
    "format": "uri",
    "description": "The video meeting's page; present only when mode is video.",
}

PATHS: dict[str, Any] = {
    "/services": {
        "get": {
            "summary": "Bookable services",
            "operationId": "listServices",
            "responses": {
                "200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Service"}}),
                **_errors(429),
            },
        }
    },
    "/services/{code}/slots": {
        "get": {
            "summary": "Free slots of a service between two Copenhagen dates (inclusive)",
            "operationId": "listSlots",
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
                {
                    "name": "mode",
                    "in": "query",
                    "schema": MODE,
                    "description": "Only times someone holds meetings of this mode; a mode the "
                    "service does not offer is 422.",
                },
            ],
            "responses": {
                "200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Slot"}}),
                **_errors(404, 422, 429),
            },
        }
    },
    "/bookings": {
        "post": {
            "summary": "Book a meeting",
            "operationId": "createBooking",
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "schema": {"type": "string", "maxLength": 200},
                    "description": "A retry with the same key and body returns the first "
                    "response (24 hours); a different body gives 422.",
                }
            ],
            "requestBody": _body({"$ref": "#/components/schemas/BookingRequest"}),
            "responses": {
                "201": _json({"$ref": "#/components/schemas/BookingCreated"}, "Booked"),
                **_errors(400, 404, 409, 422, 429),
            },
        }
    },
    "/bookings/{reference}": {
        "get": {
            "summary": "A booking, for its citizen (manage token) or staff",
            "operationId": "getBooking",
            "security": MANAGE_AUTH,
            "parameters": [REFERENCE],
            "responses": {"200": _json(BOOKING_VIEW), **_errors(401, 403, 404, 429)},
        }
    },
    "/bookings/{reference}/cancel": {
        "post": {
            "summary": "Cancel a booking",
            "operationId": "cancelBooking",
            "security": MANAGE_AUTH,
            "parameters": [REFERENCE],
            "requestBody": _body(
                {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 500}}},
                required=False,
            ),
            "responses": {"200": _json(BOOKING_VIEW), **_errors(400, 401, 403, 404, 409, 422, 429)},
        }
    },
    "/bookings/{reference}/erase": {
        "post": {
            "summary": "Erase the citizen's data (cancels an upcoming meeting; deletes the "
            "conversation the booking was made in). Manage token only.",
            "operationId": "eraseBooking",
            "security": [{"manageToken": []}],
            "parameters": [REFERENCE],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "reference": {"type": "string"},
                            "erased": {"type": "boolean"},
                        },
                    }
                ),
                **_errors(401, 403, 404, 409, 429),
            },
        }
    },
    "/bookings/{reference}/reschedule": {
        "post": {
            "summary": "Move a booking to another free slot, or change its mode",
            "description": "Changing the mode is a move: same rules, audited, the citizen is "
            "told. `start` may be left out when `mode` is given (the time is kept).",
            "operationId": "rescheduleBooking",
            "security": MANAGE_AUTH,
            "parameters": [REFERENCE],
            "requestBody": _body({"type": "object", "properties": {"start": TIME, "mode": MODE}}),
            "responses": {"200": _json(BOOKING_VIEW), **_errors(400, 401, 403, 404, 409, 422, 429)},
        }
    },
    "/bookings/lookup": {
        "post": {
            "summary": "Send a one-time code by SMS when reference and phone match",
            "description": "Always 202, whether or not a booking matched.",
            "operationId": "startLookup",
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["reference", "phone"],
                    "properties": {"reference": {"type": "string"}, "phone": {"type": "string"}},
                }
            ),
            "responses": {
                "202": _json({"type": "object", "properties": {"message": {"type": "string"}}}),
                **_errors(400, 422, 429),
            },
        }
    },
    "/bookings/lookup/confirm": {
        "post": {
            "summary": "Exchange the one-time code for a new manage token",
            "description": "Codes expire after 10 minutes and 5 wrong tries.",
            "operationId": "confirmLookup",
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["reference", "code"],
                    "properties": {
                        "reference": {"type": "string"},
                        "code": {"type": "string", "pattern": "^[0-9]{6}$"},
                    },
                }
            ),
            "responses": {
                "200": _json(
                    {"type": "object", "properties": {"manage_token": {"type": "string"}}}
                ),
                **_errors(400, 403, 422, 429),
            },
        }
    },
    "/consent-texts": {
        "get": {
            "summary": "The consent texts in force",
            "operationId": "listConsentTexts",
            "parameters": [{"name": "language", "in": "query", "schema": {"enum": ["da", "en"]}}],
            "responses": {
                "200": _json(
                    {"type": "array", "items": {"$ref": "#/components/schemas/ConsentText"}}
                ),
                **_errors(422, 429),
            },
        }
    },
    "/municipality": {
        "get": {
            "summary": "The municipality's contact facts (name, phone, address, opening hours) "
            "and the address of the privacy notice",
            "operationId": "municipality",
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "phone": {"type": "string"},
                            "address": {"type": "string"},
                            "opening_hours": BILINGUAL,
                            "privacy_url": {"type": "string", "format": "uri"},
                        },
                    }
                )
            },
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "responses": {"200": _json({"type": "object"})},
        }
    },
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {
                        "type": "string",
                        "description": "In the language of Accept-Language (da, en; da by default)",
                    },
                    "field": {"type": "string"},
                },
            }
        },
    },
    "Service": {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "name": BILINGUAL,
            "description": BILINGUAL,
            "duration_minutes": {"type": "integer"},
            "modes": {"type": "array", "items": MODE, "minItems": 1},
            "in_person": {
                "type": "object",
                "description": "Where in-person meetings are held (a caseworker may have "
                "their own address); present when in_person is offered.",
                "properties": {"address": BILINGUAL, "directions": BILINGUAL},
            },
        },
    },
    "Slot": {"type": "object", "properties": {"start": TIME, "end": TIME}},
    "BookingRequest": {
        "type": "object",
        "required": ["service", "start", "citizen", "channel", "consents"],
        "properties": {
            "service": {"type": "string"},
            "start": TIME,
            "citizen": {
                "type": "object",
                "required": ["name", "phone"],
                "properties": {
                    "name": {"type": "string", "maxLength": 200},
                    "phone": {"type": "string", "description": "Danish if no country code"},
                    "email": {"type": "string", "format": "email"},
                },
            },
            "language": {"enum": ["da", "en"], "default": "da"},
            "channel": CHANNEL,
            "mode": {**MODE, "default": "video"},
            "conversation_id": {
                "type": "string",
                "maxLength": 255,
                "description": "The assistant conversation (Rasa sender id) the booking is "
                "made in; erasing the citizen's data deletes that conversation too.",
            },
            "consents": {
                "type": "array",
                "description": "Must include the purpose 'booking'.",
                "items": {
                    "type": "object",
                    "required": ["purpose", "text_version"],
                    "properties": {
                        "purpose": {"enum": ["booking", "sms_reminders", "chat_transcript"]},
                        "text_version": {"type": "integer"},
                    },
                },
            },
        },
    },
    "BookingCreated": {
        "type": "object",
        "properties": {
            "reference": {"type": "string"},
            "manage_token": {"type": "string", "description": "Shown once; keep it secret."},
            "service": {"type": "string"},
            "start": TIME,
            "end": TIME,
            "status": {"type": "string"},
            "mode": MODE,
            "meeting_url": MEETING_URL,
            "ics_url": {"type": "string", "format": "uri"},
            "location": LOCATION,
            "phone_call": PHONE_CALL,
        },
    },
    "Booking": {
        "type": "object",
        "properties": {
            "reference": {"type": "string"},
            "service": {"type": "string"},
            "service_name": BILINGUAL,
            "start": TIME,
            "end": TIME,
            "status": {"enum": ["confirmed", "cancelled", "completed", "no_show"]},
            "citizen": {
                "type": "object",
                "properties": {
                    "name": {"type": ["string", "null"]},
                    "phone": {"type": ["string", "null"]},
                    "email": {"type": ["string", "null"]},
                },
            },
            "language": {"enum": ["da", "en"]},
            "channel": CHANNEL,
            "mode": MODE,
            "meeting_url": MEETING_URL,
            "ics_url": {"type": "string", "format": "uri"},
            "location": LOCATION,
            "phone_call": PHONE_CALL,
            "cancel_reason": {"type": "string"},
            "caseworker_note": {"type": "string", "description": "Staff only"},
        },
    },
    "ConsentText": {
        "type": "object",
        "properties": {
            "purpose": {"type": "string"},
            "version": {"type": "integer"},
            "text": {"type": "string"},
        },
    },
}


def document(server_url: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Borgerbooking API",
            "version": "1",
            "description": "Booking of meetings with the municipality: by video, by phone "
            "or in person. Errors are "
            '`{"error": {"code", "message"}}`, the message in the language of the request\'s '
            "`Accept-Language` (`da` or `en`; Danish by default); times are ISO 8601 with "
            "offset. Trusted callers send `Authorization: Bearer <service token>` and are "
            "exempt from per-IP limits. Over a limit the answer is 429 with `Retry-After`; "
            "limits are counted in storage every server shares (Redis or the database).",
        },
        "servers": [{"url": server_url}],
        "paths": {**PATHS, **admin.PATHS, **admin_trainings.PATHS},
        "components": {
            "schemas": {**SCHEMAS, **admin.SCHEMAS, **admin_trainings.SCHEMAS},
            "securitySchemes": {
                "serviceToken": {"type": "http", "scheme": "bearer"},
                "manageToken": {"type": "apiKey", "in": "header", "name": "X-Manage-Token"},
                "staffSession": {"type": "apiKey", "in": "cookie", "name": "session"},
                **admin.SECURITY_SCHEMES,
            },
        },
    }
