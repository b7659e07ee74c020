"""The admin API's trainings: start one, follow it, publish or restore a model, try it, and
the administrators' test phrasings (held out from training, evaluated on)."""

from __future__ import annotations

from typing import Any

from flask import g, url_for

from booking import assistant
from booking.assistant import trainings
from web import trainings as shared
from web.admin_api import blueprint
from web.api.validation import json_body
from web.extensions import get_db, now
from web.i18n import current_language


@blueprint.post("/assistant/trainings")
def start_training() -> Any:
    """202 with the queued training; 409 with `training_id` while one is queued or running."""
    with get_db().transaction(immediate=True) as db:
        training = trainings.request_training(db, user_id=g.api_user_id, now=now())
        body = {"id": training.id, "status": training.status}
    location = url_for("admin_api.get_training", training_id=body["id"])
    return body, 202, {"Location": location}


@blueprint.get("/assistant/trainings")
def list_trainings() -> Any:
    with get_db().transaction() as db:
        return [shared.training_json(t, log=False) for t in trainings.list_trainings(db)]


@blueprint.get("/assistant/trainings/<int:training_id>")
def get_training(training_id: int) -> Any:
    with get_db().transaction() as db:
        return shared.training_json(trainings.get_training(db, training_id))


@blueprint.get("/assistant/trainings/<int:training_id>/evaluation")
def get_evaluation(training_id: int) -> Any:
    """The evaluation report: both models' macro-F1, per-intent F1 and top confusions."""
    with get_db().transaction() as db:
        training = trainings.get_training(db, training_id)
        return {
            "id": training.id,
            "status": training.status,
            "tolerance": shared.tolerance(),
            "evaluation": training.evaluation,
        }


@blueprint.post("/assistant/trainings/<int:training_id>/publish")
def publish_training(training_id: int) -> Any:
    """200 once every Rasa server runs the model; 409 when worse without an override."""
    body = json_body(optional=True)
    publication = shared.publish_training(
        training_id,
        user_id=g.api_user_id,
        override=body.get("override"),
        reason=body.get("reason"),
    )
    return shared.publication_json(publication)


@blueprint.post("/assistant/models/<model>/restore")
def restore_model(model: str) -> Any:
    """`model`: a training's id, or `shipped` for the model shipped with the release."""
    return shared.publication_json(shared.restore_model(model, user_id=g.api_user_id))


@blueprint.get("/assistant/models/published")
def published_model() -> Any:
    with get_db().transaction() as db:
        current = trainings.published_model(db, shipped_model=shared.shipped_model())
        history = [shared.publication_json(p) for p in trainings.publications(db)]
    return {
        "model_file": current.model_file,
        "training_id": current.training_id,
        "servers": shared.servers_status(),
        "history": history,
    }


@blueprint.post("/assistant/try")
def try_published() -> Any:
    """What the published model understands of `text`, and the answer it would give."""
    text = shared.try_text(json_body().get("text"))
    return shared.try_published(text, current_language())


@blueprint.post("/assistant/trainings/<int:training_id>/try")
def try_candidate(training_id: int) -> Any:
    """Starts the candidate on `text` (loading a model takes a minute): 202 and where to look."""
    text = shared.try_text(json_body().get("text"))
    try_id = shared.start_try_candidate(training_id, text)
    location = url_for("admin_api.candidate_result", try_id=try_id)
    return {"id": try_id, "status": "running"}, 202, {"Location": location}


@blueprint.get("/assistant/tries/<try_id>")
def candidate_result(try_id: str) -> Any:
    result = shared.candidate_result(try_id, current_language())
    if result is None:
        return {"id": try_id, "status": "running"}
    return {"id": try_id, "status": "done", **result}


def _phrasing_json(row: assistant.AssistantTestPhrasing) -> dict[str, Any]:
    return {"id": row.id, "intent": row.intent, "text": row.text, "at": row.created_at.isoformat()}


@blueprint.get("/assistant/test-phrasings")
def list_test_phrasings() -> Any:
    with get_db().transaction() as db:
        return [_phrasing_json(row) for row in assistant.list_test_phrasings(db)]


@blueprint.post("/assistant/test-phrasings")
def add_test_phrasing() -> Any:
    body = json_body()
    with get_db().transaction(immediate=True) as db:
        row = assistant.add_test_phrasing(
            db, body.get("intent"), body.get("text"), user_id=g.api_user_id, now=now()
        )
        return _phrasing_json(row), 201


@blueprint.delete("/assistant/test-phrasings/<int:phrasing_id>")
def remove_test_phrasing(phrasing_id: int) -> Any:
    with get_db().transaction(immediate=True) as db:
        assistant.remove_test_phrasing(db, phrasing_id)
    return "", 204
