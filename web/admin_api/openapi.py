"""The admin API's part of the OpenAPI document (merged into /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

KEY_AUTH: list[dict[str, list[str]]] = [{"adminApiKey": []}]
TAG = ["Admin: assistant"]
FAQ_KEY = {
    "name": "key",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,59}$"},
    "description": "The FAQ question's key: `cost` for the retrieval intent `faq/cost`.",
}
INTENT_NAME = {
    "name": "name",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "An intent that is not an FAQ question (`greet`, `book_meeting`, …).",
}
ERROR = {"$ref": "#/components/schemas/Error"}
INTENT = {"$ref": "#/components/schemas/AssistantIntent"}
EXAMPLES = {
    "type": "object",
    "required": ["da", "en"],
    "description": "At least 3 different phrasings per language; entity annotations in Rasa's "
    "syntax (`[jobcentret](service)`); none may belong to another intent.",
    "properties": {
        "da": {"type": "array", "items": {"type": "string", "maxLength": 300}},
        "en": {"type": "array", "items": {"type": "string", "maxLength": 300}},
    },
}
ANSWER = {
    "type": "object",
    "required": ["da", "en"],
    "description": "Not empty in either language; may name municipality facts as "
    "{municipality_name}, {municipality_phone}, {municipality_address}, "
    "{municipality_opening_hours}.",
    "properties": {
        "da": {"type": "string", "maxLength": 2000},
        "en": {"type": "string", "maxLength": 2000},
    },
}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    names = {
        400: "Malformed JSON",
        401: "Missing, unknown or revoked API key",
        404: "No such intent, question or change",
        409: "Retired, or not revertible",
        422: "Invalid input; `field` names it (`key`, `examples.da`, `answer.en`, …)",
    }
    return {str(s): _json(ERROR, names[s]) for s in statuses}


def _op(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"tags": TAG, "summary": summary, "security": KEY_AUTH, "responses": responses, **extra}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


# shared with openapi_trainings.py
json_of, body_of = _json, _body

LIST = {"type": "array", "items": INTENT}

PATHS: dict[str, Any] = {
    "/admin/assistant/intents": {
        "get": _op(
            "Every intent with its phrasings (FAQ questions included)",
            {"200": _json(LIST), **_errors(401)},
        ),
    },
    "/admin/assistant/intents/{name}": {
        "get": _op(
            "One intent", {"200": _json(INTENT), **_errors(401, 404)}, parameters=[INTENT_NAME]
        ),
    },
    "/admin/assistant/intents/{name}/examples": {
        "put": _op(
            "Replace an intent's phrasings in both languages",
            {"200": _json(INTENT), **_errors(400, 401, 404, 409, 422)},
            parameters=[INTENT_NAME],
            requestBody=_body({"type": "object", "properties": {"examples": EXAMPLES}}),
        ),
    },
    "/admin/assistant/faqs": {
        "get": _op(
            "The FAQ questions, retired ones included", {"200": _json(LIST), **_errors(401)}
        ),
        "post": _op(
            "Add an FAQ question (a new retrieval intent faq/<key> with its answer)",
            {"201": _json(INTENT, "Created"), **_errors(400, 401, 422)},
            requestBody=_body(
                {
                    "type": "object",
                    "required": ["key", "examples", "answer"],
                    "properties": {
                        "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,59}$"},
                        "examples": EXAMPLES,
                        "answer": ANSWER,
                    },
                }
            ),
        ),
    },
    "/admin/assistant/faqs/{key}": {
        "get": _op(
            "One FAQ question", {"200": _json(INTENT), **_errors(401, 404)}, parameters=[FAQ_KEY]
        ),
    },
    "/admin/assistant/faqs/{key}/examples": {
        "put": _op(
            "Replace an FAQ question's phrasings in both languages",
            {"200": _json(INTENT), **_errors(400, 401, 404, 409, 422)},
            parameters=[FAQ_KEY],
            requestBody=_body({"type": "object", "properties": {"examples": EXAMPLES}}),
        ),
    },
    "/admin/assistant/faqs/{key}/answer": {
        "put": _op(
            "Replace an FAQ question's answer in both languages",
            {"200": _json(INTENT), **_errors(400, 401, 404, 409, 422)},
            parameters=[FAQ_KEY],
            requestBody=_body({"type": "object", "properties": {"answer": ANSWER}}),
        ),
    },
    "/admin/assistant/faqs/{key}/retire": {
        "post": _op(
            "Retire an FAQ question (kept with its history; revert the change to restore it)",
            {"200": _json(INTENT), **_errors(401, 404, 409)},
            parameters=[FAQ_KEY],
        ),
    },
    "/admin/assistant/changes": {
        "get": _op(
            "The history of changes, newest first",
            {
                "200": _json(
                    {"type": "array", "items": {"$ref": "#/components/schemas/AssistantChange"}}
                ),
                **_errors(401),
            },
            parameters=[
                {
                    "name": "intent",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Only this intent's changes (e.g. faq/cost).",
                }
            ],
        ),
    },
    "/admin/assistant/changes/{change_id}/revert": {
        "post": _op(
            "Restore the intent as it was before this change (recorded as a change itself)",
            {
                "200": _json({"$ref": "#/components/schemas/AssistantChange"}),
                **_errors(401, 404, 409, 422),
            },
            parameters=[
                {"name": "change_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
        ),
    },
}

SNAPSHOT = {
    "type": ["object", "null"],
    "properties": {
        "name": {"type": "string"},
        "retired": {"type": "boolean"},
        "examples": EXAMPLES,
        "answer": {"type": "object"},
    },
}

SCHEMAS: dict[str, Any] = {
    "AssistantIntent": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "examples": ["greet", "faq/cost"]},
            "faq": {"type": "boolean"},
            "key": {"type": "string", "description": "FAQ questions only"},
            "retired": {"type": "boolean"},
            "examples": EXAMPLES,
            "answer": {**ANSWER, "description": "FAQ questions only"},
        },
    },
    "AssistantChange": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "at": {"type": "string", "format": "date-time"},
            "intent": {"type": "string"},
            "action": {
                "enum": [
                    "import",
                    "faq.create",
                    "examples.update",
                    "answer.update",
                    "faq.retire",
                    "revert",
                ]
            },
            "by": {"type": ["string", "null"], "description": "The administrator's e-mail"},
            "reverts": {"type": ["integer", "null"]},
            "before": SNAPSHOT,
            "after": SNAPSHOT,
        },
    },
}

SERVICE_TAG = ["Admin: meeting types"]
SERVICE_CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_-]{1,39}$"},
    "description": "The meeting type's code (`jobcenter`).",
}
SERVICE_SETTINGS: dict[str, Any] = {
    "name_da": {"type": "string", "minLength": 1, "maxLength": 200},
    "name_en": {"type": "string", "minLength": 1, "maxLength": 200},
    "description_da": {"type": "string", "maxLength": 2000},
    "description_en": {"type": "string", "maxLength": 2000},
    "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 480},
    "buffer_minutes": {"type": "integer", "minimum": 0, "maximum": 240},
    "slot_step_minutes": {
        "type": "integer",
        "minimum": 5,
        "maximum": 480,
        "description": "Not longer than the duration plus the buffer.",
    },
    "min_notice_minutes": {"type": "integer", "minimum": 0, "maximum": 43200},
    "horizon_days": {"type": "integer", "minimum": 1, "maximum": 365},
    "retention_days": {"type": "integer", "minimum": 1, "maximum": 3650},
    "reminder_offsets_minutes": {
        "type": "array",
        "maxItems": 5,
        "uniqueItems": True,
        "items": {"type": "integer", "minimum": 1, "maximum": 20160},
    },
    "modes": {
        "type": "array",
        "minItems": 1,
        "uniqueItems": True,
        "items": {"enum": ["video", "phone", "in_person"]},
    },
    "address_da": {"type": "string", "description": "Required when `in_person` is offered."},
    "address_en": {"type": "string", "description": "Required when `in_person` is offered."},
    "directions_da": {"type": "string"},
    "directions_en": {"type": "string"},
    "active": {"type": "boolean"},
}
SERVICE = {"$ref": "#/components/schemas/AdminService"}
SCHEMAS["AdminService"] = {
    "type": "object",
    "properties": {"code": {"type": "string"}, **SERVICE_SETTINGS},
}
SCHEMAS["AdminServiceChange"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "action": {"enum": ["service.create", "service.update"]},
        "by": {"type": ["string", "null"], "description": "The administrator's e-mail"},
        "before": {"oneOf": [SERVICE, {"type": "null"}]},
        "after": SERVICE,
    },
}


def _service_op(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**_op(summary, responses, **extra), "tags": SERVICE_TAG}


PATHS["/admin/services"] = {
    "get": _service_op(
        "Every meeting type with its settings",
        {"200": _json({"type": "array", "items": SERVICE}), **_errors(401)},
    ),
    "post": _service_op(
        "Create a meeting type",
        {"201": _json(SERVICE, "Created"), **_errors(400, 401, 422)},
        requestBody=_body(
            {
                "type": "object",
                "required": ["code", "name_da", "name_en", "duration_minutes", "modes"],
                "properties": {"code": SERVICE_CODE["schema"], **SERVICE_SETTINGS},
            }
        ),
    ),
}
PATHS["/admin/services/{code}"] = {
    "get": _service_op(
        "One meeting type", {"200": _json(SERVICE), **_errors(401, 404)}, parameters=[SERVICE_CODE]
    ),
    "put": _service_op(
        "Change a meeting type's settings (those left out stay as they are)",
        {"200": _json(SERVICE), **_errors(400, 401, 404, 422)},
        parameters=[SERVICE_CODE],
        requestBody=_body({"type": "object", "properties": SERVICE_SETTINGS}),
    ),
}
PATHS["/admin/services/{code}/changes"] = {
    "get": _service_op(
        "A meeting type's history, newest first",
        {
            "200": _json(
                {"type": "array", "items": {"$ref": "#/components/schemas/AdminServiceChange"}}
            ),
            **_errors(401, 404),
        },
        parameters=[SERVICE_CODE],
    ),
}
CONSENT_TEXT = {
    "type": "object",
    "properties": {
        "purpose": {"enum": ["booking", "sms_reminders", "chat_transcript"]},
        "language": {"enum": ["da", "en"]},
        "version": {"type": "integer"},
        "text": {"type": "string"},
        "active": {"type": "boolean", "description": "The version in force"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
PATHS["/admin/consent-texts"] = {
    "get": _service_op(
        "Every version of every consent text (old versions are kept)",
        {"200": _json({"type": "array", "items": CONSENT_TEXT}), **_errors(401)},
    ),
    "post": _service_op(
        "Publish a new version of a consent text; citizens are shown it from now on, and "
        "consents already given keep pointing at the version shown",
        {"201": _json(CONSENT_TEXT, "Created"), **_errors(400, 401, 422)},
        requestBody=_body(
            {
                "type": "object",
                "required": ["purpose", "language", "text"],
                "properties": {
                    "purpose": {"enum": ["booking", "sms_reminders", "chat_transcript"]},
                    "language": {"enum": ["da", "en"]},
                    "text": {"type": "string", "minLength": 1, "maxLength": 5000},
                },
            }
        ),
    ),
}
FACTS = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 300},
        "phone": {"type": "string", "pattern": "^\\+?[0-9][0-9 ()-]{5,24}$"},
        "email": {"type": "string", "format": "email"},
        "address": {"type": "string", "minLength": 1, "maxLength": 300},
        "opening_hours_da": {"type": "string", "minLength": 1, "maxLength": 300},
        "opening_hours_en": {"type": "string", "minLength": 1, "maxLength": 300},
        "privacy_url": {
            "type": "string",
            "description": "http(s) address of the privacy notice; empty: this site's /privacy",
        },
    },
}
PATHS["/admin/municipality"] = {
    "get": _service_op(
        "The municipality's facts in force (configuration unless changed here)",
        {"200": _json(FACTS), **_errors(401)},
    ),
    "put": _service_op(
        "Change the municipality's facts (those left out stay); used by the pages, messages "
        "and GET /municipality, from which the assistant fills {municipality_*}",
        {"200": _json(FACTS), **_errors(400, 401, 422)},
        requestBody=_body(FACTS),
    ),
}

SECURITY_SCHEMES = {
    "adminApiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "An administrator's API key, created in the admin console or by "
        "`flask --app web admin-key create <e-mail>`; revocable.",
    }
}
