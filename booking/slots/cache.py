"""What slot search and booking keep in memory: services, who serves them, their weekly hours,
and the other rows a booking reads that rarely change (consent texts, municipality facts).

These change rarely (an administrator edits a service, a consent text or the municipality's
facts, a caseworker their working hours), but every search or booking needs them. Each engine
(one per app, so one per gunicorn worker) keeps its own copy, valid for one value of the
`schedule_versions` counter, which every change to those rows moves in the same transaction
(`booking.models`). A reader reads that one row by primary key; when it has moved, the copy is
dropped and read again, so a change is seen at once by every process, with no time-to-live to
wait out.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import time
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from booking.models import (
    Caseworker,
    ScheduleVersion,
    Service,
    WorkingHours,
    caseworker_services,
    core_table,
)
from booking.slots.engine import ServiceRules

# (weekday, start, end, modes held in it or None for all)
WeeklyInterval = tuple[int, time, time, tuple[str, ...] | None]
T = TypeVar("T")
# Built once: a statement object keeps its cache key, so it is not compiled or keyed again.
_COUNTER = core_table(ScheduleVersion).c  # Core columns: no ORM step
_VERSION = select(_COUNTER.version).where(_COUNTER.id == 1)


@dataclass(frozen=True)
class ServiceSchedule:
    """An active service as slot search needs it, detached from any session."""

    id: int
    code: str
    rules: ServiceRules
    modes: tuple[str, ...]
    caseworker_ids: tuple[int, ...]  # active caseworkers who serve it, by id
    weekly_hours: dict[int, tuple[WeeklyInterval, ...]]  # by caseworker id


class ScheduleCache:
    """Values read from the database (active services by code, consent texts, …), kept for one
    version of the schedule counter. Values must be immutable or never changed by readers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._values: dict[Hashable, Any] = {}

    @staticmethod
    def version(session: Session) -> int | None:
        """The counter as `session` sees it; None when there is no counter row."""
        return session.scalar(_VERSION)

    def get(
        self,
        session: Session,
        key: Hashable,
        load: Callable[[Session], T],
        *,
        version: int | None,
    ) -> T:
        """The value kept under `key` for `version` (from `version(session)`), else `load`'s.

        Without a counter row (`version` None) nothing can be trusted: `load` every time.
        """
        if version is None:
            return load(session)
        with self._lock:
            if version != self._version:
                self._version, self._values = version, {}
            if key in self._values:
                found: T = self._values[key]
                return found
        # Read after the version: what is read is at least as new as `version`, so a newer
        # copy kept under an older version is only read again, never served stale.
        loaded = load(session)
        with self._lock:
            if self._version == version:
                self._values[key] = loaded
        return loaded

    def service(self, session: Session, code: str) -> ServiceSchedule | None:
        """The active service `code` (None if unknown or inactive), current as of `session`."""
        return self.service_at(session, code, version=self.version(session))

    def service_at(
        self, session: Session, code: str, *, version: int | None
    ) -> ServiceSchedule | None:
        """As `service`, for a `version` the caller has just read in `session`."""
        return self.get(
            session, ("schedule", code), lambda s: load_service_schedule(s, code), version=version
        )


_caches: WeakKeyDictionary[Engine, ScheduleCache] = WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_for(session: Session) -> ScheduleCache:
    """The cache of the engine `session` is bound to (one per app and process)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = ScheduleCache()
        return cache


def load_service_schedule(session: Session, code: str) -> ServiceSchedule | None:
    """Read the active service `code`, its active caseworkers and their weekly hours."""
    service = session.scalar(select(Service).where(Service.code == code, Service.active.is_(True)))
    return None if service is None else schedule_of(session, service)


def schedule_of(session: Session, service: Service) -> ServiceSchedule:
    """`service` (active or not) with its active caseworkers and their weekly hours."""
    ids = tuple(
        session.scalars(
            select(Caseworker.id)
            .join(caseworker_services, caseworker_services.c.caseworker_id == Caseworker.id)
            .where(caseworker_services.c.service_id == service.id, Caseworker.active.is_(True))
            .order_by(Caseworker.id)
        )
    )
    hours: dict[int, list[WeeklyInterval]] = defaultdict(list)
    if ids:
        for cw_id, weekday, opens, closes, modes in session.execute(
            select(
                WorkingHours.caseworker_id,
                WorkingHours.weekday,
                WorkingHours.start_time,
                WorkingHours.end_time,
                WorkingHours.modes,
            )
            .where(WorkingHours.caseworker_id.in_(ids))
            .order_by(WorkingHours.caseworker_id, WorkingHours.weekday, WorkingHours.start_time)
        ):
            hours[cw_id].append((weekday, opens, closes, tuple(modes) if modes else None))
    return ServiceSchedule(
        id=service.id,
        code=service.code,
        rules=ServiceRules.from_service(service),
        modes=tuple(service.modes or ()),
        caseworker_ids=ids,
        weekly_hours={cw_id: tuple(hours[cw_id]) for cw_id in ids},
    )
