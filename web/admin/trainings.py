"""The admin pages about training the assistant: start, follow, evaluate, publish, restore, try.

Each form post is one use case as the logged-in administrator (CSRF-protected like every staff
form); publishing and restoring wait until every Rasa server runs the model. The detail page
polls a small JSON view for progress and the log; without JavaScript it is reloaded by hand.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext

from booking import assistant
from booking.assistant import trainings
from booking.errors import BookingError, NotFound
from web import trainings as shared
from web.admin import blueprint
from web.admin.assistant import _errors, _me
from web.admin.routes import admin_only
from web.assistant import ensure_imported
from web.extensions import get_db, now
from web.i18n import current_language, error_text
from web.staff import form_post

# an intent's F1 this much below the published model's is marked worse in the table
MARKED_DROP = 0.05
STATUS_LABELS = {
    "queued": lazy_gettext("queued"),
    "running": lazy_gettext("running"),
    "succeeded": lazy_gettext("succeeded"),
    "failed": lazy_gettext("failed"),
}


@blueprint.context_processor
def _training_helpers() -> dict[str, Any]:
    return {"status_label": _status_label, "duration": _duration}


def _status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes, rest = divmod(round(seconds), 60)
    return gettext("%(minutes)s min %(seconds)s s", minutes=minutes, seconds=rest)


def _list_page(
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    tried: dict[str, Any] | None = None,
) -> Any:
    with get_db().transaction() as db:
        ensure_imported(db)
        page = render_template(
            "admin/assistant/trainings.html",
            trainings=trainings.list_trainings(db),
            active=trainings.active_training(db),
            published=trainings.published_model(db, shipped_model=shared.shipped_model()),
            publications=trainings.publications(db),
            servers=shared.servers_status(),
            phrasings=assistant.list_test_phrasings(db),
            intents=[i.name for i in assistant.list_intents(db, include_retired=False)],
            errors=errors or {},
            form=request.form if errors or tried else {},
            tried=tried,
        )
    return page, status


@blueprint.get("/assistant/trainings")
@admin_only
def assistant_trainings() -> Any:
    return _list_page()


def _to_training(**_: Any) -> str:
    with get_db().transaction() as db:
        latest = trainings.list_trainings(db, limit=1)
    if not latest:
        return url_for("admin.assistant_trainings")
    return url_for("admin.assistant_training", training_id=latest[0].id)


@blueprint.post("/assistant/trainings")
@admin_only
@form_post(
    lazy_gettext("The training was queued. It starts within a few seconds."),
    then=_to_training,
    refused=lambda exc: _list_page(errors={"start": error_text(exc)}, status=409),
)
def assistant_start_training() -> None:
    with get_db().transaction(immediate=True) as db:
        trainings.request_training(db, user_id=_me(), now=now())


def _detail_page(
    training_id: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Any:
    try_id = request.args.get("try", "")
    try_id = try_id if try_id.isalnum() else ""
    with get_db().transaction() as db:
        try:
            training = trainings.get_training(db, training_id)
        except NotFound:
            abort(404)
        published = trainings.published_model(db, shipped_model=shared.shipped_model())
        page = render_template(
            "admin/assistant/training.html",
            training=training,
            body=shared.training_json(training),
            published=published,
            tolerance=shared.tolerance(),
            no_worse=_no_worse(training),
            marked_drop=MARKED_DROP,
            charts=_evaluation_charts(training.evaluation),
            tried=shared.candidate_result(try_id, current_language()) if try_id else None,
            try_id=try_id,
            errors=errors or {},
            form=request.form if errors else {},
        )
    return page, status


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _f1(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _evaluation_charts(evaluation: dict[str, Any] | None) -> dict[str, Any]:
    """Per-intent F1 of both models and the top confusions, as the `chart` macro takes them."""
    if not evaluation:
        return {}
    intents = evaluation.get("intents", {})
    f1_rows = []
    for name, row in intents.items():
        new, old = row.get("f1"), row.get("published_f1")
        worse = new is not None and old is not None and new < old - MARKED_DROP
        new_cell = f"{_f1(new)} ({gettext('worse')})" if worse else _f1(new)
        f1_rows.append([name, new_cell, _f1(old), row.get("support", "")])
    confusions = evaluation.get("confusions", [])
    return {
        "f1_labels": list(intents),
        "f1_datasets": [
            {
                "label": gettext("New model"),
                "data": [_percent(r.get("f1")) for r in intents.values()],
            },
            {
                "label": gettext("Published model"),
                "data": [_percent(r.get("published_f1")) for r in intents.values()],
            },
        ],
        "f1_rows": f1_rows,
        "confusion_labels": [f"{c['intent']} → {c['predicted']}" for c in confusions],
        "confusion_datasets": [
            {"label": gettext("Times"), "data": [c["count"] for c in confusions]}
        ],
        "confusion_rows": [[c["intent"], c["predicted"], c["count"]] for c in confusions],
    }


def _no_worse(training: assistant.AssistantTraining) -> bool | None:
    scores = training.evaluation
    if not scores:
        return None
    return trainings.no_worse(
        scores["macro_f1"], scores.get("published_macro_f1"), shared.tolerance()
    )


@blueprint.get("/assistant/trainings/<int:training_id>")
@admin_only
def assistant_training(training_id: int) -> Any:
    return _detail_page(training_id)


@blueprint.get("/assistant/trainings/<int:training_id>/status")
@admin_only
def assistant_training_status(training_id: int) -> Any:
    """The detail page's progress and log, polled by js/training.js."""
    with get_db().transaction() as db:
        try:
            return shared.training_json(trainings.get_training(db, training_id))
        except NotFound:
            return {"error": "not_found"}, 404


def _back_to_training(training_id: int) -> str:
    return url_for("admin.assistant_training", training_id=training_id)


def _publish_refused(exc: BookingError, training_id: int) -> Any:
    return _detail_page(training_id, errors=_errors(exc), status=_status(exc))


def _status(exc: BookingError) -> int:
    if isinstance(exc, trainings.CandidateWorse):
        return 409
    return 422 if exc.field else 409


@blueprint.post("/assistant/trainings/<int:training_id>/publish")
@admin_only
@form_post(
    lazy_gettext("The model was published: every assistant server runs it now."),
    then=_back_to_training,
    refused=_publish_refused,
)
def assistant_publish(training_id: int) -> None:
    override = request.form.get("override") == "yes"
    shared.publish_training(
        training_id, user_id=_me(), override=override or None, reason=request.form.get("reason")
    )


@blueprint.post("/assistant/models/<model>/restore")
@admin_only
@form_post(
    lazy_gettext("The model was restored: every assistant server runs it now."),
    then=lambda model: url_for("admin.assistant_trainings"),
    refused=lambda exc, model: _list_page(errors={"restore": error_text(exc)}, status=409),
)
def assistant_restore(model: str) -> None:
    shared.restore_model(model, user_id=_me())


@blueprint.post("/assistant/try")
@admin_only
def assistant_try() -> Any:
    """What the published model makes of a phrase, shown on the trainings page."""
    try:
        text = shared.try_text(request.form.get("text"))
        tried = shared.try_published(text, current_language())
    except BookingError as exc:
        return _list_page(errors={"text": error_text(exc)}, status=_status(exc))
    return _list_page(tried=tried)


@blueprint.post("/assistant/trainings/<int:training_id>/try")
@admin_only
def assistant_try_candidate(training_id: int) -> Any:
    """Starts the candidate on a phrase; the detail page shows the answer when it is there."""
    try:
        text = shared.try_text(request.form.get("text"))
        try_id = shared.start_try_candidate(training_id, text)
    except BookingError as exc:
        return _detail_page(training_id, errors={"try_text": error_text(exc)}, status=422)
    flash(gettext("The new model is loading to answer (about a minute). Reload to see it."))
    target = url_for("admin.assistant_training", training_id=training_id)
    return redirect(f"{target}?{urlencode({'try': try_id})}#try")


def _to_trainings(**_: Any) -> str:
    return url_for("admin.assistant_trainings") + "#phrasings"


@blueprint.post("/assistant/test-phrasings")
@admin_only
@form_post(
    lazy_gettext("The test phrasing was added. The next training is evaluated on it."),
    then=_to_trainings,
    refused=lambda exc: _list_page(errors=_phrasing_errors(exc), status=422),
)
def assistant_add_test_phrasing() -> None:
    with get_db().transaction(immediate=True) as db:
        ensure_imported(db)
        assistant.add_test_phrasing(
            db,
            request.form.get("intent"),
            request.form.get("text"),
            user_id=_me(),
            now=now(),
        )


def _phrasing_errors(exc: BookingError) -> dict[str, str]:
    return {f"phrasing_{exc.field or 'text'}": error_text(exc)}


@blueprint.post("/assistant/test-phrasings/<int:phrasing_id>/delete")
@admin_only
@form_post(lazy_gettext("The test phrasing was removed."), then=_to_trainings)
def assistant_remove_test_phrasing(phrasing_id: int) -> None:
    with get_db().transaction(immediate=True) as db:
        assistant.remove_test_phrasing(db, phrasing_id)
