"""The admin API's trainings: start one, follow it, publish or restore a model, try it, and
the administrators' test phrasings (held out from training, evaluated on)."""

from __future__ import annotations

from typing import Any

from flask import g, url_for

from booking import assistant
from booking.assistant import trainings
from web import trainings as shared
from web.admin_api import blueprint
from web.admin_api import schemas as s
from web.admin_api.openapi import TRAININGS, admin_operation
from web.api.contract import parse_body
from web.extensions import get_db, now
from web.i18n import current_language

PUBLISH_ERRORS = {
    409: "The candidate evaluates worse (`candidate_worse`) and no override was given; or the "
    "training has no model",
    502: "A Rasa server did not answer, refused or did not load the model",
}


@blueprint.post("/assistant/trainings")
@admin_operation(
    "startTraining",
    "Queue a training (one at a time)",
    responses={202: s.TrainingQueued},
    errors=(409,),
    response_headers={202: {"Location": {"schema": {"type": "string"}}}},
    errors_text={409: "A training is queued or running already; `training_id` names it"},
    tags=TRAININGS,
)
def start_training() -> Any:
    """202 with the queued training; 409 with `training_id` while one is queued or running."""
    with get_db().transaction(immediate=True) as db:
        training = trainings.request_training(db, user_id=g.api_user_id, now=now())
        body = {"id": training.id, "status": training.status}
    location = url_for("admin_api.get_training", training_id=body["id"])
    return body, 202, {"Location": location}


@blueprint.get("/assistant/trainings")
@admin_operation(
    "listTrainings",
    "The latest trainings, newest first (without logs)",
    responses={200: list[s.AssistantTraining]},
    tags=TRAININGS,
)
def list_trainings() -> Any:
    with get_db().transaction() as db:
        return [shared.training_json(t, log=False) for t in trainings.list_trainings(db)]


@blueprint.get("/assistant/trainings/<int(max=2147483647):training_id>")
@admin_operation(
    "getTraining",
    "A training: status, progress, evaluation, the log's last lines",
    responses={200: s.AssistantTraining},
    errors=(404,),
    tags=TRAININGS,
)
def get_training(training_id: int) -> Any:
    with get_db().transaction() as db:
        return shared.training_json(trainings.get_training(db, training_id))


@blueprint.get("/assistant/trainings/<int(max=2147483647):training_id>/evaluation")
@admin_operation(
    "getTrainingEvaluation",
    "The evaluation report: both models' macro-F1, per-intent F1, top confusions",
    responses={200: s.TrainingEvaluation},
    errors=(404,),
    tags=TRAININGS,
)
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


@blueprint.post("/assistant/trainings/<int(max=2147483647):training_id>/publish")
@admin_operation(
    "publishTraining",
    "Publish the candidate on every Rasa server (200 once each runs it); only when its "
    "macro-F1 >= the published model's - tolerance, unless overridden with a reason",
    body=s.PublishRequest,
    body_required=False,
    responses={200: s.AssistantPublication},
    errors=(400, 404, 409, 413, 422, 502),
    errors_text=PUBLISH_ERRORS,
    tags=TRAININGS,
)
def publish_training(training_id: int) -> Any:
    """200 once every Rasa server runs the model; 409 when worse without an override."""
    body = parse_body(s.PublishRequest, optional=True)
    publication = shared.publish_training(
        training_id, user_id=g.api_user_id, override=body.override, reason=body.reason
    )
    return shared.publication_json(publication)


@blueprint.post("/assistant/models/<model>/restore")
@admin_operation(
    "restoreModel",
    "Publish an earlier model again: a training's id, or `shipped`",
    responses={200: s.AssistantPublication},
    errors=(404, 409, 502),
    errors_text=PUBLISH_ERRORS,
    path={"model": {"schema": {"pattern": "^([0-9]{1,9}|shipped)$"}}},
    tags=TRAININGS,
)
def restore_model(model: str) -> Any:
    """`model`: a training's id, or `shipped` for the model shipped with the release."""
    return shared.publication_json(shared.restore_model(model, user_id=g.api_user_id))


@blueprint.get("/assistant/models/published")
@admin_operation(
    "publishedModel",
    "The published model, what each Rasa server runs, and the publications, newest first",
    responses={200: s.PublishedModel},
    tags=TRAININGS,
)
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
@admin_operation(
    "tryPublished",
    "What the published model understands of a phrase, and the answer it would give",
    body=s.Phrase,
    responses={200: s.Understanding},
    errors=(400, 413, 422, 502),
    errors_text=PUBLISH_ERRORS,
    tags=TRAININGS,
)
def try_published() -> Any:
    """What the published model understands of `text`, and the answer it would give."""
    text = shared.try_text(parse_body(s.Phrase).text)
    return shared.try_published(text, current_language())


@blueprint.post("/assistant/trainings/<int(max=2147483647):training_id>/try")
@admin_operation(
    "tryCandidate",
    "Start a candidate model on a phrase (loading it takes about a minute)",
    body=s.Phrase,
    responses={202: s.TryStatus},
    errors=(400, 404, 413, 422),
    response_headers={202: {"Location": {"schema": {"type": "string"}}}},
    tags=TRAININGS,
)
def try_candidate(training_id: int) -> Any:
    """Starts the candidate on `text` (loading a model takes a minute): 202 and where to look."""
    text = shared.try_text(parse_body(s.Phrase).text)
    try_id = shared.start_try_candidate(training_id, text)
    location = url_for("admin_api.candidate_result", try_id=try_id)
    return {"id": try_id, "status": "running"}, 202, {"Location": location}


@blueprint.get("/assistant/tries/<try_id>")
@admin_operation(
    "candidateResult",
    "A candidate's answer (`status`: running | done)",
    responses={200: s.TryStatus},
    errors=(404,),
    tags=TRAININGS,
)
def candidate_result(try_id: str) -> Any:
    result = shared.candidate_result(try_id, current_language())
    if result is None:
        return {"id": try_id, "status": "running"}
    return {"id": try_id, "status": "done", **result}


def _phrasing_json(row: assistant.AssistantTestPhrasing) -> dict[str, Any]:
    return {"id": row.id, "intent": row.intent, "text": row.text, "at": row.created_at.isoformat()}


@blueprint.get("/assistant/test-phrasings")
@admin_operation(
    "listTestPhrasings",
    "The administrators' held-out test phrasings",
    responses={200: list[s.TestPhrasing]},
    tags=TRAININGS,
)
def list_test_phrasings() -> Any:
    with get_db().transaction() as db:
        return [_phrasing_json(row) for row in assistant.list_test_phrasings(db)]


@blueprint.post("/assistant/test-phrasings")
@admin_operation(
    "addTestPhrasing",
    "Add a held-out test phrasing (never a training example)",
    body=s.NewTestPhrasing,
    responses={201: s.TestPhrasing},
    errors=(400, 413, 422),
    tags=TRAININGS,
)
def add_test_phrasing() -> Any:
    body = parse_body(s.NewTestPhrasing)
    with get_db().transaction(immediate=True) as db:
        row = assistant.add_test_phrasing(
            db, body.intent, body.text, user_id=g.api_user_id, now=now()
        )
        return _phrasing_json(row), 201


@blueprint.delete("/assistant/test-phrasings/<int(max=2147483647):phrasing_id>")
@admin_operation(
    "removeTestPhrasing",
    "Remove a test phrasing",
    responses={204: None},
    errors=(404,),
    tags=TRAININGS,
)
def remove_test_phrasing(phrasing_id: int) -> Any:
    with get_db().transaction(immediate=True) as db:
        assistant.remove_test_phrasing(db, phrasing_id)
    return "", 204
