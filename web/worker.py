"""`flask --app web worker`: the outbox dispatcher (and hourly retention) as a process, with
the assistant's trainer in a thread beside it (`web.training_worker`).

SIGTERM (honcho, systemd, Kubernetes) and Ctrl-C finish the pass in progress and exit, so no
claimed message waits for its lease to run out.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime
from types import FrameType

import click
from flask import current_app

from booking.notify import DispatchSettings, Senders, email_sender_from_config, run_worker
from booking.privacy import apply_retention
from web.extensions import get_conversations, get_db, get_sms_sender, now
from web.training_worker import start_trainer_thread


@click.command("worker")
@click.option("--once", is_flag=True, help="Send everything due now, then exit (no trainings).")
def worker_command(once: bool) -> None:
    """Send due SMS and e-mails from the outbox until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = current_app.config
    senders = Senders(sms=get_sms_sender(), email=email_sender_from_config(config))
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        click.echo(f"worker: signal {signum}, finishing the current pass", err=True)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    db = get_db()
    trainer = (
        None if once else start_trainer_thread(stop, float(config.get("WORKER_IDLE_SECONDS") or 2))
    )

    def retention(now: datetime) -> None:
        with db.transaction() as session:
            report = apply_retention(session, now=now, conversations=get_conversations())
        if report.bookings_anonymised:
            click.echo(f"worker: anonymised {report.bookings_anonymised} booking(s)", err=True)
        if report.conversations_deleted:
            click.echo(f"worker: deleted {report.conversations_deleted} conversation(s)", err=True)

    sent = run_worker(
        db,
        senders,
        DispatchSettings.from_mapping(config),
        clock=now,
        stop=stop,
        idle_seconds=float(config.get("WORKER_IDLE_SECONDS") or 2),
        until_idle=once,
        housekeeping=retention,
    )
    if trainer is not None:  # a running training is stopped (and failed) with the worker
        trainer.join(timeout=30)
    click.echo(f"worker: stopped after sending {sent} message(s)", err=True)
