"""The admin API's trainings in the OpenAPI document: train, evaluate, publish, restore, try."""

from __future__ import annotations

from typing import Any

from web.admin_api.openapi import ERROR, KEY_AUTH, body_of, json_of

TAG = ["Admin: assistant trainings"]
TRAINING = {"$ref": "#/components/schemas/AssistantTraining"}
PUBLICATION = {"$ref": "#/components/schemas/AssistantPublication"}
UNDERSTOOD = {"$ref": "#/components/schemas/AssistantUnderstanding"}
PHRASING = {"$ref": "#/components/schemas/AssistantTestPhrasing"}
TRAINING_ID = {"name": "training_id", "in": "path", "required": True, "schema": {"type": "integer"}}
STATUS = {"enum": ["queued", "running", "succeeded", "failed"]}
TEXT = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 300}},
}
NAMES = {
    400: "Malformed JSON",
    401: "Missing, unknown or revoked API key",
    404: "No such training, model, try or test phrasing",
    409: "A training is active already (`training_id` names it); the candidate evaluates worse "
    "(`candidate_worse`) and no override was given; or the training has no model",
    422: "Invalid input; `field` names it (`reason`, `override`, `text`, `intent`)",
    502: "A Rasa server did not answer, refused or did not load the model",
}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): json_of(ERROR, NAMES[s]) for s in statuses}


def _op(summary: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"tags": TAG, "summary": summary, "security": KEY_AUTH, "responses": responses, **extra}


PATHS: dict[str, Any] = {
    "/admin/assistant/trainings": {
        "post": _op(
            "Queue a training (one at a time)",
            {
                "202": json_of(
                    {
                        "type": "object",
                        "properties": {"id": {"type": "integer"}, "status": {"const": "queued"}},
                    },
                    "Queued; `Location` names the training",
                ),
                **_errors(401, 409),
            },
        ),
        "get": _op(
            "The latest trainings, newest first (without logs)",
            {"200": json_of({"type": "array", "items": TRAINING}), **_errors(401)},
        ),
    },
    "/admin/assistant/trainings/{training_id}": {
        "get": _op(
            "A training: status, progress, evaluation, the log's last lines",
            {"200": json_of(TRAINING), **_errors(401, 404)},
            parameters=[TRAINING_ID],
        ),
    },
    "/admin/assistant/trainings/{training_id}/evaluation": {
        "get": _op(
            "The evaluation report: both models' macro-F1, per-intent F1, top confusions",
            {"200": json_of({"type": "object"}), **_errors(401, 404)},
            parameters=[TRAINING_ID],
        ),
    },
    "/admin/assistant/trainings/{training_id}/publish": {
        "post": _op(
            "Publish the candidate on every Rasa server (200 once each runs it); only when its "
            "macro-F1 >= the published model's - tolerance, unless overridden with a reason",
            {"200": json_of(PUBLICATION), **_errors(400, 401, 404, 409, 422, 502)},
            parameters=[TRAINING_ID],
            requestBody={
                "required": False,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "override": {"type": "boolean"},
                                "reason": {"type": "string", "maxLength": 1000},
                            },
                        }
                    }
                },
            },
        ),
    },
    "/admin/assistant/models/{model}/restore": {
        "post": _op(
            "Publish an earlier model again: a training's id, or `shipped`",
            {"200": json_of(PUBLICATION), **_errors(401, 404, 409, 502)},
            parameters=[
                {"name": "model", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
        ),
    },
    "/admin/assistant/models/published": {
        "get": _op(
            "The published model, what each Rasa server runs, and the publications, newest first",
            {"200": json_of({"type": "object"}), **_errors(401)},
        ),
    },
    "/admin/assistant/try": {
        "post": _op(
            "What the published model understands of a phrase, and the answer it would give",
            {"200": json_of(UNDERSTOOD), **_errors(400, 401, 422, 502)},
            requestBody=body_of(TEXT),
        ),
    },
    "/admin/assistant/trainings/{training_id}/try": {
        "post": _op(
            "Start a candidate model on a phrase (loading it takes about a minute)",
            {
                "202": json_of({"type": "object"}, "Started; poll `Location`"),
                **_errors(401, 404, 422),
            },
            parameters=[TRAINING_ID],
            requestBody=body_of(TEXT),
        ),
    },
    "/admin/assistant/tries/{try_id}": {
        "get": _op(
            "A candidate's answer (`status`: running | done)",
            {"200": json_of(UNDERSTOOD), **_errors(401, 404)},
            parameters=[
                {"name": "try_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
        ),
    },
    "/admin/assistant/test-phrasings": {
        "get": _op(
            "The administrators' held-out test phrasings",
            {"200": json_of({"type": "array", "items": PHRASING}), **_errors(401)},
        ),
        "post": _op(
            "Add a held-out test phrasing (never a training example)",
            {"201": json_of(PHRASING, "Created"), **_errors(400, 401, 422)},
            requestBody=body_of(
                {
                    "type": "object",
                    "required": ["intent", "text"],
                    "properties": {"intent": {"type": "string"}, "text": {"type": "string"}},
                }
            ),
        ),
    },
    "/admin/assistant/test-phrasings/{phrasing_id}": {
        "delete": _op(
            "Remove a test phrasing",
            {"204": {"description": "Removed"}, **_errors(401, 404)},
            parameters=[
                {
                    "name": "phrasing_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                }
            ],
        ),
    },
}

SCHEMAS: dict[str, Any] = {
    "AssistantTraining": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "status": STATUS,
            "progress": {"type": "number", "minimum": 0, "maximum": 1},
            "phase": {"type": ["string", "null"]},
            "requested_by": {"type": ["string", "null"]},
            "requested_at": {"type": "string", "format": "date-time"},
            "started_at": {"type": ["string", "null"], "format": "date-time"},
            "finished_at": {"type": ["string", "null"], "format": "date-time"},
            "duration_seconds": {"type": ["number", "null"]},
            "model_file": {"type": ["string", "null"]},
            "data_file": {"type": ["string", "null"], "description": "the training data snapshot"},
            "failure_reason": {"type": ["string", "null"]},
            "log_tail": {"type": "string"},
            "evaluation": {
                "type": ["object", "null"],
                "properties": {
                    "macro_f1": {"type": "number"},
                    "published_macro_f1": {"type": "number"},
                    "published_model": {"type": "string"},
                    "evaluation_set_size": {"type": "integer"},
                    "intents": {"type": "object"},
                    "confusions": {"type": "array"},
                    "published_confusions": {"type": "array"},
                },
            },
        },
    },
    "AssistantPublication": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "at": {"type": "string", "format": "date-time"},
            "action": {"enum": ["publish", "restore"]},
            "training_id": {"type": ["integer", "null"], "description": "null: the shipped model"},
            "model_file": {"type": "string"},
            "by": {"type": ["string", "null"]},
            "override": {"type": "boolean"},
            "reason": {"type": ["string", "null"]},
        },
    },
    "AssistantUnderstanding": {
        "type": "object",
        "properties": {
            "intent": {"type": "string"},
            "confidence": {"type": "number"},
            "faq": {"type": ["string", "null"]},
            "runner_ups": {"type": "array"},
            "answer": {"type": ["string", "null"]},
            "error": {"type": "string"},
        },
    },
    "AssistantTestPhrasing": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "intent": {"type": "string"},
            "text": {"type": "string"},
            "at": {"type": "string", "format": "date-time"},
        },
    },
}
