"""The worker loop around the dispatcher: pass after pass until asked to stop."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import datetime

from booking.db import Database
from booking.notify.dispatcher import DispatchSettings, Senders, dispatch_once

log = logging.getLogger(__name__)


def new_worker_id() -> str:
    """Unique per process, readable in the database: host, pid and a random suffix."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_worker(
    db: Database,
    senders: Senders,
    settings: DispatchSettings,
    *,
    clock: Callable[[], datetime],
    stop: threading.Event,
    idle_seconds: float = 2.0,
    until_idle: bool = False,
    worker_id: str | None = None,
) -> int:
    """Dispatch until `stop` is set (or, with `until_idle`, until nothing is due); returns sent.

    A pass that found work is followed at once by the next; an idle pass waits `idle_seconds`
    (or less, when `stop` is set meanwhile, e.g. by SIGTERM). A pass in progress is finished
    before stopping, so no claimed message is left waiting for its lease to run out.
    """
    worker_id = worker_id or new_worker_id()
    sent = 0
    while not stop.is_set():
        try:
            report = dispatch_once(db, senders, now=clock(), worker_id=worker_id, settings=settings)
        except Exception:
            # The database may be restarting; keep the worker alive and try again shortly.
            log.exception("worker %s: dispatch pass failed", worker_id)
            if until_idle:
                raise
            stop.wait(idle_seconds)
            continue
        sent += report.sent
        if report.busy:
            log.info(
                "worker %s: sent %s, retried %s, failed %s, reconciled %s",
                worker_id, report.sent, report.retried, report.failed, report.reconciled,
            )  # fmt: skip
            continue
        if until_idle:
            break
        stop.wait(idle_seconds)
    return sent
