"""Trainings as a job, one at a time, and which model is published.

A training moves queued → running → succeeded | failed, never backwards. A second request while
one is queued or running is refused (`TrainingActive`, 409 with that training's id): the
database's unique `active` column enforces it even when two requests race. The worker claims
the queued training, reports progress (its heartbeat), and finishes it; a running training whose
heartbeat stopped (the worker was killed) is failed by the next worker that looks.

Publishing is allowed when the candidate is no worse than the published model on the same
held-out set (macro-F1 ≥ published − tolerance) or an administrator overrides with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.assistant.models import AssistantPublication, AssistantTraining, TrainingStatus
from booking.errors import InvalidState, NotFound, ValidationFailed
from booking.i18n import N_

# A running training writes its heartbeat every few seconds; this long without one, it is dead.
STALE_AFTER = timedelta(minutes=5)
MAX_REASON_LENGTH = 1000


class TrainingActive(InvalidState):
    """A training is queued or running already; `training_id` names it."""

    code = "training_active"

    def __init__(self, training_id: int) -> None:
        super().__init__(
            N_("Training %(id)s is queued or running; wait until it has finished."),
            id=training_id,
        )
        self.training_id = training_id


class CandidateWorse(InvalidState):
    """The candidate evaluated worse than the published model and no override was given."""

    code = "candidate_worse"


def get_training(db: Session, training_id: int) -> AssistantTraining:
    training = db.get(AssistantTraining, training_id)
    if training is None:
        raise NotFound(N_("There is no training %(id)s."), id=training_id)
    return training


def list_trainings(db: Session, *, limit: int = 50) -> list[AssistantTraining]:
    """The latest trainings, newest first."""
    query = select(AssistantTraining).order_by(AssistantTraining.id.desc()).limit(limit)
    return list(db.scalars(query))


def active_training(db: Session) -> AssistantTraining | None:
    return db.scalar(select(AssistantTraining).where(AssistantTraining.active.is_(True)))


def request_training(db: Session, *, user_id: int | None, now: datetime) -> AssistantTraining:
    """Queues a training; `TrainingActive` when one is queued or running."""
    current = active_training(db)
    if current is not None:
        raise TrainingActive(current.id)
    training = AssistantTraining(
        status=TrainingStatus.QUEUED, active=True, requested_by_id=user_id, requested_at=now
    )
    try:
        with db.begin_nested():
            db.add(training)
            db.flush()
    except IntegrityError:  # another request queued one meanwhile
        other = active_training(db)
        raise TrainingActive(other.id if other else 0) from None
    return training


def claim_next(db: Session, *, now: datetime) -> AssistantTraining | None:
    """The queued training, now running for this worker; None when there is none.

    The conditional UPDATE lets only one of several workers win the same training.
    """
    fail_stale(db, now=now)
    queued = db.scalar(
        select(AssistantTraining.id).where(AssistantTraining.status == TrainingStatus.QUEUED)
    )
    if queued is None:
        return None
    claimed = db.execute(
        update(AssistantTraining)
        .where(
            AssistantTraining.id == queued,
            AssistantTraining.status == TrainingStatus.QUEUED,
        )
        .values(status=TrainingStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0.0)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    training = get_training(db, queued)
    db.refresh(training)
    return training


def report_progress(
    db: Session, training_id: int, *, progress: float, phase: str, now: datetime
) -> None:
    """The running training's progress (0..1, never backwards) and heartbeat."""
    training = _running(db, training_id)
    training.progress = max(training.progress, min(1.0, max(0.0, progress)))
    training.phase = phase
    training.heartbeat_at = now


def record_files(db: Session, training_id: int, **files: str) -> None:
    """Where the training keeps its `model_file`, `data_file` (the data snapshot), `log_file`."""
    training = get_training(db, training_id)
    for name, path in files.items():
        setattr(training, name, path)


def succeed(
    db: Session, training_id: int, *, model_file: str, evaluation: dict[str, Any], now: datetime
) -> AssistantTraining:
    """The model is trained and evaluated: a candidate that may be published."""
    training = _running(db, training_id)
    training.status = TrainingStatus.SUCCEEDED
    training.model_file = model_file
    training.evaluation = evaluation
    training.progress = 1.0
    training.phase = None
    return _finish(training, now)


def fail(db: Session, training_id: int, *, reason: str, now: datetime) -> AssistantTraining:
    """The training stopped; `reason` says why (the last lines of its log)."""
    training = get_training(db, training_id)
    if training.status not in (TrainingStatus.QUEUED, TrainingStatus.RUNNING):
        raise InvalidState(N_("Training %(id)s has finished already."), id=training_id)
    training.status = TrainingStatus.FAILED
    training.failure_reason = reason
    return _finish(training, now)


def fail_stale(db: Session, *, now: datetime, after: timedelta = STALE_AFTER) -> int:
    """Fails running trainings whose worker stopped sending heartbeats; how many."""
    stale = db.scalars(
        select(AssistantTraining).where(
            AssistantTraining.status == TrainingStatus.RUNNING,
            AssistantTraining.heartbeat_at < now - after,
        )
    ).all()
    for training in stale:
        fail(db, training.id, reason="The worker running this training stopped.", now=now)
    return len(stale)


def _running(db: Session, training_id: int) -> AssistantTraining:
    training = get_training(db, training_id)
    if training.status != TrainingStatus.RUNNING:
        raise InvalidState(N_("Training %(id)s is not running."), id=training_id)
    return training


def _finish(training: AssistantTraining, now: datetime) -> AssistantTraining:
    training.finished_at = now
    training.active = None
    return training


@dataclass(frozen=True)
class PublishedModel:
    """The model the Rasa servers run: `training_id` None is the shipped model."""

    model_file: str
    training_id: int | None


def published_model(db: Session, *, shipped_model: str) -> PublishedModel:
    """The newest publication's model; the shipped model on a fresh install."""
    latest = db.scalar(select(AssistantPublication).order_by(AssistantPublication.id.desc()))
    if latest is None:
        return PublishedModel(shipped_model, None)
    return PublishedModel(latest.model_file, latest.training_id)


def publications(db: Session, *, limit: int = 50) -> list[AssistantPublication]:
    query = select(AssistantPublication).order_by(AssistantPublication.id.desc()).limit(limit)
    return list(db.scalars(query))


def no_worse(candidate: float, published: float | None, tolerance: float) -> bool:
    """True when the candidate's macro-F1 is at least the published one's minus `tolerance`."""
    return published is None or candidate >= published - tolerance


def check_override(override: Any, reason: Any) -> tuple[bool, str | None]:
    """The publish request's override: a boolean, and then a reason of 1-1000 characters."""
    if override in (None, False):
        return False, None
    if override is not True:
        raise ValidationFailed(N_("override is true or false."), field="override")
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ValidationFailed(
            N_("Say why the model is published although it evaluated worse."), field="reason"
        )
    if len(text) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            N_("Use at most %(count)s characters."), field="reason", count=MAX_REASON_LENGTH
        )
    return True, text


def publishable(
    db: Session, training_id: int, *, override: Any, reason: Any, tolerance: float
) -> tuple[AssistantTraining, bool, str | None]:
    """The candidate to publish, with the override; `CandidateWorse` when refused."""
    forced, why = check_override(override, reason)
    training = get_training(db, training_id)
    if training.status != TrainingStatus.SUCCEEDED or not training.model_file:
        raise InvalidState(
            N_("Only a training that succeeded has a model to publish."), id=training_id
        )
    scores = training.evaluation or {}
    candidate, published = scores.get("macro_f1", 0.0), scores.get("published_macro_f1")
    if not forced and not no_worse(candidate, published, tolerance):
        raise CandidateWorse(
            N_(
                "The new model evaluates worse than the published one (macro-F1 %(candidate)s "
                "against %(published)s, tolerance %(tolerance)s). Publish it only with a reason."
            ),
            candidate=f"{candidate:.3f}",
            published=f"{published:.3f}",
            tolerance=f"{tolerance:.3f}",
        )
    return training, forced, why


def record_publication(
    db: Session,
    *,
    model_file: str,
    training_id: int | None,
    action: str,
    user_id: int | None,
    now: datetime,
    override: bool = False,
    reason: str | None = None,
) -> AssistantPublication:
    """Writes down that every Rasa server now runs `model_file` (who, when, overridden why)."""
    publication = AssistantPublication(
        at=now,
        user_id=user_id,
        action=action,
        training_id=training_id,
        model_file=model_file,
        override=override,
        reason=reason,
    )
    db.add(publication)
    db.flush()
    return publication


def restorable_model(db: Session, model: str, *, shipped_model: str) -> PublishedModel:
    """The model of an earlier training (its id) or the shipped one (`shipped`) to restore."""
    if model == "shipped":
        return PublishedModel(shipped_model, None)
    if not model.isdigit():
        raise NotFound(N_("There is no training %(id)s."), id=model)
    training = get_training(db, int(model))
    if training.status != TrainingStatus.SUCCEEDED or not training.model_file:
        raise InvalidState(N_("Only a training that succeeded has a model to publish."))
    return PublishedModel(training.model_file, training.id)
