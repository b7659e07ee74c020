"""Factories for trainings: one that succeeded with given scores, without running Rasa."""

from __future__ import annotations

from pathlib import Path

from booking.assistant import trainings
from booking.db import Database
from tests.support.clock import NOW


def evaluation(candidate: float, published: float) -> dict:
    return {
        "macro_f1": candidate,
        "published_macro_f1": published,
        "published_model": "models/borgerbooking.tar.gz",
        "evaluation_set_size": 270,
        "intents": {
            "greet": {"f1": candidate, "published_f1": published, "support": 10},
            "faq": {"f1": 1.0, "published_f1": 1.0, "support": 40},
        },
        "confusions": [{"intent": "greet", "predicted": "thank", "count": 2}],
        "published_confusions": [],
    }


def succeeded_training(
    db: Database, models: Path, *, candidate: float = 0.90, published: float = 0.93
) -> int:
    """A training that succeeded with a model file in `models` and these macro-F1 scores."""
    with db.transaction() as session:
        training = trainings.request_training(session, user_id=None, now=NOW)
        trainings.claim_next(session, now=NOW)
        model = models / f"training-{training.id}.tar.gz"
        model.parent.mkdir(parents=True, exist_ok=True)
        model.write_bytes(b"model")
        trainings.succeed(
            session,
            training.id,
            model_file=str(model),
            evaluation=evaluation(candidate, published),
            now=NOW,
        )
        return training.id
