"""`SerialRedisLockStore`: Rasa's Redis ticket lock, made safe for several Rasa processes.

Rasa's `RedisLockStore` keeps each conversation's ticket lock as one JSON value and changes it
by read-modify-write (`issue_ticket`, `update_lock`, `finish_serving`, `cleanup`). Two Rasa
processes taking a message of the same conversation at the same moment both read the lock
without a ticket, both issue ticket 0, both save, and both go ahead: they run the turn at the
same time, and the SQL tracker store, which appends only the events it has not stored yet,
drops one of the two turns. (Rasa open source has no fix; its concurrent lock store is in the
commercial edition.)

This subclass keeps Rasa's ticket lock (first come, first served, tickets expire after
`TICKET_LOCK_LIFETIME`) and only makes each read-modify-write atomic: it runs under a short
redis-py lock on a guard key of the conversation (SET NX PX, released by token), so no two
processes change the same ticket lock at once. Configured in endpoints.yml through
`bot/serve rasa` when `REDIS_URL` is set.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# A guarded change is three Redis round trips; the guard expires on its own if its holder dies.
GUARD_LIFETIME_SECONDS = 5.0
GUARD_WAIT_SECONDS = 10.0


class SerialRedisLockStore(RedisLockStore):
    """RedisLockStore whose ticket changes are atomic across processes."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            options = {key: value for key, value in endpoint_config.kwargs.items() if value != ""}
            options.pop("type", None)
            kwargs = {"host": endpoint_config.url or "localhost", **options, **kwargs}
        super().__init__(**kwargs)

    @contextmanager
    def _guard(self, conversation_id: str) -> Iterator[None]:
        guard = self.red.lock(
            f"{self.key_prefix}{conversation_id}:guard",
            timeout=GUARD_LIFETIME_SECONDS,
            blocking_timeout=GUARD_WAIT_SECONDS,
        )
        if not guard.acquire():
            raise LockError(f"Could not change the lock of conversation '{conversation_id}'.")
        try:
            yield
        finally:
            guard.release()

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            with self._guard(conversation_id):
                lock = self.get_or_create_lock(conversation_id)
                ticket = lock.issue_ticket(lock_lifetime)
                self.save_lock(lock)
                return ticket
        except LockError:
            raise
        except Exception as error:  # as Rasa's own issue_ticket: the caller expects LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        with self._guard(conversation_id):
            super().update_lock(conversation_id)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        with self._guard(conversation_id):
            super().finish_serving(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # finish and delete in one guarded step: a ticket issued in between keeps the lock
        with self._guard(conversation_id):
            lock: TicketLock | None = self.get_lock(conversation_id)
            if lock is None:
                return
            lock.remove_ticket_for(ticket_number)
            if lock.is_someone_waiting():
                self.save_lock(lock)
            else:
                self.delete_lock(conversation_id)
