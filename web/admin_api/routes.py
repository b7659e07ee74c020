"""The views of /api/v1/admin: the assistant's intents, FAQ questions and their history.

Each view reads its JSON, calls one `booking.assistant` use case as the key's administrator
and answers JSON; domain errors become `{"error": {"code", "message", "field"}}` (422 names
the field, e.g. `examples.da`) in `web.errors`.
"""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_babel import gettext

from booking import assistant
from booking.assistant import FAQ_PREFIX
from booking.staff import user_of_api_key
from web.admin_api import blueprint
from web.admin_api import schemas as s
from web.admin_api.openapi import ASSISTANT, FAQ_KEY, INTENT_NAME, admin_operation
from web.api.contract import parse_body, parse_query
from web.assistant import change_json, ensure_imported, held_out, intent_json
from web.errors import ApiError
from web.extensions import get_db, now


@blueprint.before_request
def _authenticate() -> None:
    """Every route needs a valid, unrevoked key of an active administrator; else 401."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    user_id = None
    if scheme.lower() == "bearer" and secret.strip():
        # IMMEDIATE: it writes the key's last use after reading it (SQLite: wait, don't fail)
        with get_db().transaction(immediate=True) as db:
            user = user_of_api_key(db, secret.strip(), now=now())
            user_id = user.id if user is not None else None
            if user_id is not None:
                ensure_imported(db)
    if user_id is None:
        raise ApiError(
            401,
            "unauthorized",
            gettext("Send a valid administrator API key: Authorization: Bearer <key>."),
        )
    g.api_user_id = user_id


def _faq_name(key: str) -> str:
    return FAQ_PREFIX + key


@blueprint.get("/assistant/intents")
@admin_operation(
    "listIntents",
    "Every intent with its phrasings (FAQ questions included)",
    responses={200: list[s.AssistantIntent]},
    tags=ASSISTANT,
)
def list_intents() -> Any:
    with get_db().transaction() as db:
        return [intent_json(intent) for intent in assistant.list_intents(db)]


@blueprint.get("/assistant/intents/<name>")
@admin_operation(
    "getIntent",
    "One intent",
    responses={200: s.AssistantIntent},
    errors=(404,),
    path={"name": INTENT_NAME},
    tags=ASSISTANT,
)
def get_intent(name: str) -> Any:
    with get_db().transaction() as db:
        return intent_json(assistant.get_intent(db, name))


@blueprint.put("/assistant/intents/<name>/examples")
@admin_operation(
    "setIntentExamples",
    "Replace an intent's phrasings in both languages",
    body=s.ExamplesChange,
    responses={200: s.AssistantIntent},
    errors=(400, 404, 409, 413, 422),
    path={"name": INTENT_NAME},
    tags=ASSISTANT,
)
def set_intent_examples(name: str) -> Any:
    return _set_examples(name)


@blueprint.get("/assistant/faqs")
@admin_operation(
    "listFaqs",
    "The FAQ questions, retired ones included",
    responses={200: list[s.AssistantIntent]},
    tags=ASSISTANT,
)
def list_faqs() -> Any:
    with get_db().transaction() as db:
        return [intent_json(i) for i in assistant.list_intents(db) if i.is_faq]


@blueprint.post("/assistant/faqs")
@admin_operation(
    "createFaq",
    "Add an FAQ question (a new retrieval intent faq/<key> with its answer)",
    body=s.NewFaq,
    responses={201: s.AssistantIntent},
    errors=(400, 413, 422),
    tags=ASSISTANT,
)
def create_faq() -> Any:
    body = parse_body(s.NewFaq)
    with get_db().transaction() as db:
        intent = assistant.add_faq(
            db,
            body.key,
            body.examples.model_dump(),
            body.answer.model_dump(),
            user_id=g.api_user_id,
            now=now(),
            held_out=held_out(db),
        )
        return intent_json(intent), 201


@blueprint.get("/assistant/faqs/<key>")
@admin_operation(
    "getFaq",
    "One FAQ question",
    responses={200: s.AssistantIntent},
    errors=(404,),
    path={"key": FAQ_KEY},
    tags=ASSISTANT,
)
def get_faq(key: str) -> Any:
    with get_db().transaction() as db:
        return intent_json(assistant.get_intent(db, _faq_name(key)))


@blueprint.put("/assistant/faqs/<key>/examples")
@admin_operation(
    "setFaqExamples",
    "Replace an FAQ question's phrasings in both languages",
    body=s.ExamplesChange,
    responses={200: s.AssistantIntent},
    errors=(400, 404, 409, 413, 422),
    path={"key": FAQ_KEY},
    tags=ASSISTANT,
)
def set_faq_examples(key: str) -> Any:
    return _set_examples(_faq_name(key))


@blueprint.put("/assistant/faqs/<key>/answer")
@admin_operation(
    "setFaqAnswer",
    "Replace an FAQ question's answer in both languages",
    body=s.AnswerChange,
    responses={200: s.AssistantIntent},
    errors=(400, 404, 409, 413, 422),
    path={"key": FAQ_KEY},
    tags=ASSISTANT,
)
def set_faq_answer(key: str) -> Any:
    body = parse_body(s.AnswerChange)
    with get_db().transaction() as db:
        intent = assistant.set_answer(
            db, _faq_name(key), body.answer.model_dump(), user_id=g.api_user_id, now=now()
        )
        return intent_json(intent)


@blueprint.post("/assistant/faqs/<key>/retire")
@admin_operation(
    "retireFaq",
    "Retire an FAQ question (kept with its history; revert the change to restore it)",
    responses={200: s.AssistantIntent},
    errors=(404, 409),
    path={"key": FAQ_KEY},
    tags=ASSISTANT,
)
def retire_faq(key: str) -> Any:
    with get_db().transaction() as db:
        intent = assistant.retire_faq(db, _faq_name(key), user_id=g.api_user_id, now=now())
        return intent_json(intent)


@blueprint.get("/assistant/changes")
@admin_operation(
    "listAssistantChanges",
    "The history of changes, newest first",
    query=s.ChangesQuery,
    responses={200: list[s.AssistantChange]},
    errors=(422,),
    tags=ASSISTANT,
)
def list_changes() -> Any:
    name = parse_query(s.ChangesQuery).intent or None
    with get_db().transaction() as db:
        return [change_json(change) for change in assistant.history(db, name=name)]


@blueprint.post("/assistant/changes/<int(max=2147483647):change_id>/revert")
@admin_operation(
    "revertAssistantChange",
    "Restore the intent as it was before this change (recorded as a change itself)",
    responses={200: s.AssistantChange},
    errors=(404, 409, 422),
    tags=ASSISTANT,
)
def revert_change(change_id: int) -> Any:
    with get_db().transaction() as db:
        change = assistant.revert_change(db, change_id, user_id=g.api_user_id, now=now())
        return change_json(change)


def _set_examples(name: str) -> Any:
    body = parse_body(s.ExamplesChange)
    with get_db().transaction() as db:
        intent = assistant.set_examples(
            db,
            name,
            body.examples.model_dump(),
            user_id=g.api_user_id,
            now=now(),
            held_out=held_out(db),
        )
        return intent_json(intent)
