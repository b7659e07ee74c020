"""The worker loop around the dispatcher: pass after pass until asked to stop."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

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
    housekeeping: Callable[[datetime], None] | None = None,
    housekeeping_every: timedelta = timedelta(hours=1),
) -> int:
    """Dispatch until `stop` is set (or, with `until_idle`, until nothing is due); returns sent.

    `housekeeping(now)` (retention) runs at the start and then every `housekeeping_every`.
    A pass that found work is followed at once by the next; an idle pass waits `idle_seconds`
    (or less, when `stop` is set meanwhile, e.g. by SIGTERM). A pass in progress is finished
    before stopping, so no claimed message is left waiting for its lease to run out.
    """
    worker_id = worker_id or new_worker_id()
    sent = 0
    next_housekeeping: datetime | None = None
    while not stop.is_set():
        now = clock()
        if housekeeping and (next_housekeeping is None or now >= next_housekeeping):
            next_housekeeping = now + housekeeping_every
            try:
                housekeeping(now)
            except Exception:
                # Retention failing must not stop messages; it is tried again next time.
                log.exception("worker %s: housekeeping failed", worker_id)
        try:
            report = dispatch_once(db, senders, now=now, worker_id=worker_id, settings=settings)
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
