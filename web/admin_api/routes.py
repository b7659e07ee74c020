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
from web.api.validation import json_body
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
def list_intents() -> Any:
    with get_db().transaction() as db:
        return [intent_json(intent) for intent in assistant.list_intents(db)]


@blueprint.get("/assistant/intents/<name>")
def get_intent(name: str) -> Any:
    with get_db().transaction() as db:
        return intent_json(assistant.get_intent(db, name))


@blueprint.put("/assistant/intents/<name>/examples")
def set_intent_examples(name: str) -> Any:
    return _set_examples(name)


@blueprint.get("/assistant/faqs")
def list_faqs() -> Any:
    with get_db().transaction() as db:
        return [intent_json(i) for i in assistant.list_intents(db) if i.is_faq]


@blueprint.post("/assistant/faqs")
def create_faq() -> Any:
    body = json_body()
    with get_db().transaction() as db:
        intent = assistant.add_faq(
            db,
            body.get("key"),
            body.get("examples"),
            body.get("answer"),
            user_id=g.api_user_id,
            now=now(),
            held_out=held_out(db),
        )
        return intent_json(intent), 201


@blueprint.get("/assistant/faqs/<key>")
def get_faq(key: str) -> Any:
    with get_db().transaction() as db:
        return intent_json(assistant.get_intent(db, _faq_name(key)))


@blueprint.put("/assistant/faqs/<key>/examples")
def set_faq_examples(key: str) -> Any:
    return _set_examples(_faq_name(key))


@blueprint.put("/assistant/faqs/<key>/answer")
def set_faq_answer(key: str) -> Any:
    body = json_body()
    with get_db().transaction() as db:
        intent = assistant.set_answer(
            db, _faq_name(key), body.get("answer"), user_id=g.api_user_id, now=now()
        )
        return intent_json(intent)


@blueprint.post("/assistant/faqs/<key>/retire")
def retire_faq(key: str) -> Any:
    with get_db().transaction() as db:
        intent = assistant.retire_faq(db, _faq_name(key), user_id=g.api_user_id, now=now())
        return intent_json(intent)


@blueprint.get("/assistant/changes")
def list_changes() -> Any:
    name = request.args.get("intent") or None
    with get_db().transaction() as db:
        return [change_json(change) for change in assistant.history(db, name=name)]


@blueprint.post("/assistant/changes/<int:change_id>/revert")
def revert_change(change_id: int) -> Any:
    with get_db().transaction() as db:
        change = assistant.revert_change(db, change_id, user_id=g.api_user_id, now=now())
        return change_json(change)


def _set_examples(name: str) -> Any:
    body = json_body()
    with get_db().transaction() as db:
        intent = assistant.set_examples(
            db, name, body.get("examples"), user_id=g.api_user_id, now=now(), held_out=held_out(db)
        )
        return intent_json(intent)
