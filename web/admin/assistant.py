"""The admin pages about what the assistant knows: intents, FAQ questions, history, revert.

The pages read and change the content through `booking.assistant`; each form post is one use
case as the logged-in administrator, who is recorded in the change's history. A refused change
shows the form again with the message beside its field (422).
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for
from flask_babel import gettext, lazy_gettext

from booking import assistant
from booking.errors import BookingError, NotFound
from booking.i18n import LANGUAGES
from web.admin import blueprint
from web.admin.routes import admin_only
from web.assistant import ensure_imported, held_out
from web.auth.guards import current_user
from web.extensions import get_db, now
from web.i18n import error_text
from web.staff import form_post

CHANGE_LABELS = {
    "import": lazy_gettext("Imported"),
    "faq.create": lazy_gettext("Question added"),
    "examples.update": lazy_gettext("Examples changed"),
    "answer.update": lazy_gettext("Answer changed"),
    "faq.retire": lazy_gettext("Question retired"),
    "revert": lazy_gettext("Change reverted"),
}
LANGUAGE_NAMES = {"da": lazy_gettext("Danish"), "en": lazy_gettext("English")}

# A domain error's field (`examples.da`) → the form's input id (`examples_da`).
FIELD_IDS = {"examples": "examples_da", "answer": "answer_da", "name": "form"}


@blueprint.context_processor
def _change_helpers() -> dict[str, Any]:
    return {
        "change_label": _change_label,
        "change_diff": _change_diff,
        "fact_placeholders": ", ".join("{" + fact + "}" for fact in assistant.FACTS),
    }


def _change_label(action: str) -> str:
    return str(CHANGE_LABELS.get(action, action))


def _change_diff(change: assistant.AssistantChange) -> list[str]:
    """The change in a few lines a person reads: examples added/removed, answers, retirement."""
    if change.action == "import":
        return []
    diff = assistant.difference(change)
    lines = []
    for language, name in LANGUAGE_NAMES.items():
        for text in diff.added[language]:
            lines.append(gettext("Added (%(lang)s): %(text)s", lang=name, text=text))
        for text in diff.removed[language]:
            lines.append(gettext("Removed (%(lang)s): %(text)s", lang=name, text=text))
    for language in diff.answers_changed:
        lines.append(gettext("Answer changed (%(lang)s)", lang=LANGUAGE_NAMES[language]))
    if diff.retired is not None:
        lines.append(gettext("Retired") if diff.retired else gettext("Brought back"))
    return lines


def _errors(exc: BookingError) -> dict[str, str]:
    field = exc.field or "form"
    return {FIELD_IDS.get(field, field.replace(".", "_")): error_text(exc)}


def _me() -> int:
    user = current_user()
    assert user is not None
    return user.id


def _lines(name: str) -> list[str]:
    return request.form.get(name, "").splitlines()


def _examples_from_form() -> dict[str, list[str]]:
    return {language: _lines(f"examples_{language}") for language in LANGUAGES}


def _answer_from_form() -> dict[str, str]:
    return {language: request.form.get(f"answer_{language}", "") for language in LANGUAGES}


@blueprint.get("/assistant/")
@admin_only
def assistant_index() -> Any:
    with get_db().transaction() as db:
        ensure_imported(db)
        intents = assistant.list_intents(db)
        return render_template(
            "admin/assistant/index.html",
            faqs=[intent for intent in intents if intent.is_faq],
            others=[intent for intent in intents if not intent.is_faq],
        )


def _intent_page(name: str, *, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    with get_db().transaction() as db:
        ensure_imported(db)
        try:
            intent = assistant.get_intent(db, name)
        except NotFound:
            abort(404)
        page = render_template(
            "admin/assistant/intent.html",
            intent=intent,
            content=assistant.snapshot(intent),
            changes=assistant.history(db, name=name),
            errors=errors or {},
            form=request.form if errors else {},
        )
    return page, status


@blueprint.get("/assistant/intents/<path:name>")
@admin_only
def assistant_intent(name: str) -> Any:
    return _intent_page(name)


def _back_to_intent(name: str) -> str:
    return url_for("admin.assistant_intent", name=name)


def _intent_refused(exc: BookingError, name: str) -> Any:
    return _intent_page(name, errors=_errors(exc), status=422)


@blueprint.post("/assistant/intents/<path:name>/examples")
@admin_only
@form_post(lazy_gettext("The examples were saved."), then=_back_to_intent, refused=_intent_refused)
def assistant_examples(name: str) -> None:
    with get_db().transaction() as db:
        assistant.set_examples(
            db, name, _examples_from_form(), user_id=_me(), now=now(), held_out=held_out(db)
        )


@blueprint.post("/assistant/intents/<path:name>/answer")
@admin_only
@form_post(lazy_gettext("The answer was saved."), then=_back_to_intent, refused=_intent_refused)
def assistant_answer(name: str) -> None:
    with get_db().transaction() as db:
        assistant.set_answer(db, name, _answer_from_form(), user_id=_me(), now=now())


@blueprint.post("/assistant/intents/<path:name>/retire")
@admin_only
@form_post(
    lazy_gettext("The question was retired. Revert the change in its history to restore it."),
    then=_back_to_intent,
    refused=_intent_refused,
)
def assistant_retire(name: str) -> None:
    with get_db().transaction() as db:
        assistant.retire_faq(db, name, user_id=_me(), now=now())


def _new_faq_page(*, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    page = render_template(
        "admin/assistant/new_faq.html",
        errors=errors or {},
        form=request.form if errors else {},
        min_examples=assistant.MIN_EXAMPLES_PER_LANGUAGE,
    )
    return page, status


@blueprint.get("/assistant/faqs/new")
@admin_only
def assistant_new_faq() -> Any:
    return _new_faq_page()


def _to_new_faq(**_: Any) -> str:
    key = request.form.get("key", "").strip()
    return url_for("admin.assistant_intent", name=assistant.FAQ_PREFIX + key)


@blueprint.post("/assistant/faqs")
@admin_only
@form_post(
    lazy_gettext("The question was added. The assistant learns it at the next training."),
    then=_to_new_faq,
    refused=lambda exc: _new_faq_page(errors=_errors(exc), status=422),
)
def assistant_create_faq() -> None:
    with get_db().transaction() as db:
        ensure_imported(db)
        assistant.add_faq(
            db,
            request.form.get("key", "").strip(),
            _examples_from_form(),
            _answer_from_form(),
            user_id=_me(),
            now=now(),
            held_out=held_out(db),
        )


def _history_page(*, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    with get_db().transaction() as db:
        ensure_imported(db)
        page = render_template(
            "admin/assistant/history.html",
            changes=[c for c in assistant.history(db) if c.action != "import"],
            errors=errors or {},
        )
    return page, status


@blueprint.get("/assistant/history")
@admin_only
def assistant_history() -> Any:
    return _history_page()


def _back_after_revert(change_id: int) -> str:
    """Back to the intent's page when the revert was made there, else to the history."""
    if request.form.get("back") == "intent":
        with get_db().transaction() as db:
            change = db.get(assistant.AssistantChange, change_id)
            if change is not None:
                return url_for("admin.assistant_intent", name=change.intent.name)
    return url_for("admin.assistant_history")


@blueprint.post("/assistant/changes/<int:change_id>/revert")
@admin_only
@form_post(
    lazy_gettext("The change was reverted."),
    then=_back_after_revert,
    refused=lambda exc, change_id: _history_page(errors={"form": error_text(exc)}, status=422),
)
def assistant_revert(change_id: int) -> None:
    with get_db().transaction() as db:
        assistant.revert_change(db, change_id, user_id=_me(), now=now())
