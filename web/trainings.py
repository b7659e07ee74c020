"""What the admin pages and the admin API share about trainings, publishing and "try it".

Settings come from the app's configuration; the Rasa token is read on the server side only
(`RASA_TOKEN`, or in development the file `bot/serve rasa` writes) and never rendered.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from booking import assistant
from booking.assistant import published, trainings
from booking.assistant.rasa_servers import (
    RasaServers,
    RasaUnavailable,
    Understanding,
    parse_result,
    start_parse_with_model,
    understanding,
)
from booking.assistant.runner import TrainingSettings, log_tail
from booking.errors import NotFound, ValidationFailed
from booking.i18n import N_
from booking.privacy import record_event
from web.extensions import get_db, now

CACHE_DIR_NAME = "rasa-cache"  # Rasa's training cache under ASSISTANT_MODELS_DIR by default
TRY_ID_BYTES = 16
MAX_TRY_LENGTH = 300


def training_settings() -> TrainingSettings:
    config = current_app.config
    bot_venv = Path(config["ASSISTANT_BOT_VENV"])
    project = Path(config["ASSISTANT_PROJECT_DIR"])
    models_dir = Path(config["ASSISTANT_MODELS_DIR"])
    return TrainingSettings(
        rasa=bot_venv / "bin" / "rasa",
        project=project,
        domain=project / "domain.yml",
        config=Path(config["ASSISTANT_TRAIN_CONFIG"]),
        models_dir=models_dir,
        shipped_data=Path(config["ASSISTANT_DATA_DIR"]),
        shipped_model=Path(config["ASSISTANT_SHIPPED_MODEL"]),
        held_out_file=Path(config["ASSISTANT_HELD_OUT_FILE"]),
        timeout_seconds=float(config["ASSISTANT_TRAIN_TIMEOUT_SECONDS"]),
        cache_dir=Path(config.get("ASSISTANT_TRAIN_CACHE_DIR") or models_dir / CACHE_DIR_NAME),
    )


def rasa_token() -> str:
    """RASA_TOKEN, else the token file (development: `bot/serve rasa` writes it on start)."""
    config = current_app.config
    if config.get("RASA_TOKEN"):
        return str(config["RASA_TOKEN"])
    path = Path(config.get("RASA_TOKEN_FILE") or "")
    if config.get("RASA_TOKEN_FILE") and path.exists():
        return path.read_text(encoding="utf-8").strip()
    raise RasaUnavailable(N_("The assistant's API token (RASA_TOKEN) is not configured."))


def rasa_servers() -> RasaServers:
    config = current_app.config
    return RasaServers(
        urls=list(config["RASA_URLS"]),
        token=rasa_token(),
        load_timeout=float(config["RASA_LOAD_TIMEOUT_SECONDS"]),
    )


def servers_status() -> list[dict[str, Any]]:
    """What each Rasa server runs now (`model_file` None: it did not answer)."""
    try:
        servers = rasa_servers()
    except RasaUnavailable:
        return [{"url": url, "model_file": None} for url in current_app.config["RASA_URLS"]]
    status = []
    for url in servers.urls:
        try:
            loaded = servers.loaded_model(url, timeout=5)
        except RasaUnavailable:
            loaded = None
        status.append({"url": url, "model_file": loaded})
    return status


def shipped_model() -> str:
    return str(current_app.config["ASSISTANT_SHIPPED_MODEL"])


def tolerance() -> float:
    return float(current_app.config["ASSISTANT_PUBLISH_TOLERANCE"])


def training_json(training: assistant.AssistantTraining, *, log: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": training.id,
        "status": training.status,
        "progress": round(training.progress, 3),
        "phase": training.phase,
        "requested_by": training.requested_by.email if training.requested_by else None,
        "requested_at": training.requested_at.isoformat(),
        "started_at": training.started_at.isoformat() if training.started_at else None,
        "finished_at": training.finished_at.isoformat() if training.finished_at else None,
        "duration_seconds": training.duration_seconds,
        "model_file": training.model_file,
        "data_file": training.data_file,
        "failure_reason": training.failure_reason,
        "evaluation": training.evaluation,
    }
    if log:
        body["log_tail"] = log_tail(training.log_file)
    return body


def publication_json(publication: assistant.AssistantPublication) -> dict[str, Any]:
    return {
        "id": publication.id,
        "at": publication.at.isoformat(),
        "action": publication.action,
        "training_id": publication.training_id,
        "model_file": publication.model_file,
        "by": publication.user.email if publication.user else None,
        "override": publication.override,
        "reason": publication.reason,
    }


def publish_training(
    training_id: int, *, user_id: int, override: Any, reason: Any
) -> assistant.AssistantPublication:
    """Loads the candidate on every Rasa server, then records it as published.

    Refused (409) when it evaluated worse without an override; nothing is recorded when a
    server does not load it (502), so the record names what every server runs.
    """
    with get_db().transaction() as db:
        training, forced, why = trainings.publishable(
            db, training_id, override=override, reason=reason, tolerance=tolerance()
        )
        model_file = str(training.model_file)
    rasa_servers().load(model_file)
    _servers_start_with(model_file)
    with get_db().transaction() as db:
        publication = trainings.record_publication(
            db,
            model_file=model_file,
            training_id=training_id,
            action="publish",
            user_id=user_id,
            now=now(),
            override=forced,
            reason=why,
        )
        _audit(db, publication)
        return _loaded(db, publication)


def restore_model(model: str, *, user_id: int) -> assistant.AssistantPublication:
    """Makes an earlier model (a training's id, or `shipped`) the published one again."""
    with get_db().transaction() as db:
        target = trainings.restorable_model(db, model, shipped_model=shipped_model())
    rasa_servers().load(target.model_file)
    _servers_start_with(target.model_file)
    with get_db().transaction() as db:
        publication = trainings.record_publication(
            db,
            model_file=target.model_file,
            training_id=target.training_id,
            action="restore",
            user_id=user_id,
            now=now(),
        )
        _audit(db, publication)
        return _loaded(db, publication)


def _servers_start_with(model_file: str) -> None:
    """A Rasa server that restarts loads the model every server now runs (bot/serve rasa)."""
    published.write_pointer(Path(current_app.config["ASSISTANT_MODELS_DIR"]), model_file)


def _audit(db: Session, publication: assistant.AssistantPublication) -> None:
    """The audit log names who published which model, and why when it evaluated worse."""
    record_event(
        db,
        actor_type="user",
        actor_id=publication.user_id,
        action=f"assistant.{publication.action}",
        detail={
            "training_id": publication.training_id,
            "model_file": publication.model_file,
            "override": publication.override,
            "reason": publication.reason,
        },
        now=publication.at,
    )


def _loaded(db: Session, publication: assistant.AssistantPublication) -> Any:
    db.refresh(publication)
    _ = publication.user  # loaded while the session is open
    return publication


def faq_answer(db: Session, understood: Understanding, language: str) -> str | None:
    """The stored answer to the FAQ question the response selector chose, if any."""
    if understood.faq is None:
        return None
    try:
        intent = assistant.get_intent(db, understood.faq)
    except NotFound:
        return None
    answers = {row.language: row.text for row in intent.answers}
    return answers.get(language) or answers.get("da")


def understood_json(parsed: dict[str, Any], language: str) -> dict[str, Any]:
    if "error" in parsed:
        return {"error": parsed["error"]}
    understood = understanding(parsed)
    with get_db().transaction() as db:
        answer = faq_answer(db, understood, language)
    return {
        "intent": understood.intent,
        "confidence": round(understood.confidence, 4),
        "faq": understood.faq,
        "runner_ups": [{"intent": n, "confidence": round(c, 4)} for n, c in understood.ranking],
        "answer": answer,
    }


def try_published(text: str, language: str) -> dict[str, Any]:
    return understood_json(rasa_servers().parse(text), language)


def _try_file(try_id: str) -> Path:
    if not try_id.isalnum():
        raise NotFound(N_("Not found."))
    return Path(current_app.config["ASSISTANT_MODELS_DIR"]) / "tries" / f"{try_id}.json"


def start_try_candidate(training_id: int, text: str) -> str:
    """Starts parsing `text` with the training's model; the id to fetch the result with."""
    with get_db().transaction() as db:
        training = trainings.get_training(db, training_id)
        model_file = training.model_file
    if not model_file:
        raise NotFound(N_("Only a training that succeeded has a model to publish."))
    try_id = secrets.token_hex(TRY_ID_BYTES)
    bot_python = Path(current_app.config["ASSISTANT_BOT_VENV"]) / "bin" / "python"
    script = Path(current_app.config["ASSISTANT_PROJECT_DIR"]) / "bot" / "parse_with_model.py"
    start_parse_with_model(bot_python, script, model_file, text, _try_file(try_id))
    return try_id


def candidate_result(try_id: str, language: str) -> dict[str, Any] | None:
    """The candidate's answer once its process has written it; None while it runs."""
    parsed = parse_result(_try_file(try_id))
    return None if parsed is None else understood_json(parsed, language)


def try_text(raw: Any) -> str:
    """The phrase to try: 1-300 characters."""
    text = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not text or len(text) > MAX_TRY_LENGTH:
        raise ValidationFailed(
            N_("Write a phrase of 1 to %(count)s characters."), field="text", count=MAX_TRY_LENGTH
        )
    return text
