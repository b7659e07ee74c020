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

SECURITY_SCHEMES = {
    "adminApiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "An administrator's API key, created in the admin console or by "
        "`flask --app web admin-key create <e-mail>`; revocable.",
    }
}
