"""The trainer: runs queued trainings one at a time, beside the outbox in the worker process.

`flask --app web worker` (the Procfile's `worker`, started by `make run`) runs it in a thread
next to the outbox dispatcher, so trainings survive the web process and never block a request;
`flask --app web trainer` runs it alone (`--once`: the queued training, then exit). The training
itself is a `rasa train` subprocess; this loop only claims, waits and records.
"""

from __future__ import annotations

import logging
import threading

import click
from flask import Flask, current_app

from booking.assistant import trainings
from booking.assistant.runner import run_training
from web.extensions import get_db, now
from web.trainings import training_settings

log = logging.getLogger(__name__)


def run_next_training(stop: threading.Event | None = None) -> str | None:
    """Claims the queued training and runs it to its end; its final status, None if none."""
    database = get_db()
    with database.transaction(immediate=True) as db:
        training = trainings.claim_next(db, now=now())
        training_id = training.id if training is not None else None
    if training_id is None:
        return None
    log.info("training %s started", training_id)
    status = run_training(database, training_id, training_settings(), clock=now, stop=stop)
    log.info("training %s %s", training_id, status)
    return status


def run_trainer(app: Flask, stop: threading.Event, idle_seconds: float) -> None:
    """Until `stop`: run each queued training, checking every `idle_seconds`."""
    with app.app_context():
        while not stop.is_set():
            try:
                ran = run_next_training(stop)
            except Exception:  # noqa: BLE001 (the loop must outlive one failed training)
                log.exception("the trainer failed; it goes on")
                ran = None
            if ran is None:
                stop.wait(idle_seconds)


def start_trainer_thread(stop: threading.Event, idle_seconds: float) -> threading.Thread:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=run_trainer, args=(app, stop, idle_seconds), name="trainer", daemon=True
    )
    thread.start()
    return thread


@click.command("trainer")
@click.option("--once", is_flag=True, help="Run the queued training (if any), then exit.")
def trainer_command(once: bool) -> None:
    """Run the assistant's queued trainings until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if once:
        click.echo(f"trainer: {run_next_training() or 'nothing queued'}")
        return
    stop = threading.Event()
    run_trainer(current_app._get_current_object(), stop, 2.0)  # type: ignore[attr-defined]
