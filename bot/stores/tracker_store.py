"""`RedactingTrackerStore`: Rasa's SQL tracker store, keeping nothing personal in clear text.

Configured in endpoints.yml (`type: bot.stores.tracker_store.RedactingTrackerStore`, `url:` an
SQLAlchemy URL: an SQLite file under instance/ by default, PostgreSQL in production).

Every event is stored redacted in Rasa's own `events` table (placeholders such as `[telefon]`,
see bot.stores.redaction). When redaction changed an event, its original is kept encrypted
(Fernet, key `TRACKER_ENCRYPTION_KEY`; several comma-separated keys rotate) in `sealed_events`
and restored when Rasa reads the tracker, because a running form needs the values. The
originals are deleted for good once the flow is over (no form active and no personal slot
set), and at the latest `SEALED_MAX_AGE_MINUTES` (default 60, the session expiry) after they
were written, unless the citizen gave the `chat_transcript` consent in that conversation: then
they are kept (still encrypted) for `TRANSCRIPT_RETENTION_DAYS` (default 30) and then deleted.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.ext.declarative import declarative_base

from bot.stores.redaction import (
    NOT_PERSONAL,
    PERSONAL_SLOTS,
    KnownValues,
    known_values,
    redact_event,
)

logger = logging.getLogger(__name__)

TRANSCRIPT_SLOT = "chat_transcript"
DAY = 24 * 3600.0

Base: Any = declarative_base()


class SealedEvent(Base):
    """The encrypted original of a redacted event, while a flow (or a transcript) needs it."""

    __tablename__ = "sealed_events"
    event_id = sa.Column(sa.Integer, primary_key=True)  # events.id
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    sealed_at = sa.Column(sa.Float, nullable=False, index=True)
    ciphertext = sa.Column(sa.Text, nullable=False)


class ConversationTranscript(Base):
    """A conversation whose citizen gave the `chat_transcript` consent, kept until `keep_until`."""

    __tablename__ = "conversation_transcripts"
    sender_id = sa.Column(sa.String(255), primary_key=True)
    consented_at = sa.Column(sa.Float, nullable=False)
    keep_until = sa.Column(sa.Float, nullable=False, index=True)


def _cipher(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])
    except (ValueError, TypeError) as error:
        raise RasaException("TRACKER_ENCRYPTION_KEY is not a valid Fernet key") from error


class RedactingTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose stored events hold no personal value in clear text."""

    def __init__(
        self,
        domain: Domain | None = None,
        host: str | None = None,
        encryption_key: str | None = None,
        sealed_max_age_minutes: float | None = None,
        transcript_retention_days: float | None = None,
        clock: Callable[[], float] = time.time,
        **kwargs: Any,
    ) -> None:
        keys = encryption_key or os.environ.get("TRACKER_ENCRYPTION_KEY", "")
        if not keys:
            raise RasaException("TRACKER_ENCRYPTION_KEY must be set for the tracker store")
        self.cipher = _cipher(keys)
        self.sealed_max_age = 60 * float(
            sealed_max_age_minutes or os.environ.get("SEALED_MAX_AGE_MINUTES") or 60
        )
        self.transcript_retention = DAY * float(
            transcript_retention_days or os.environ.get("TRANSCRIPT_RETENTION_DAYS") or 30
        )
        self.clock = clock
        super().__init__(domain=domain, host=host, **kwargs)
        Base.metadata.create_all(self.engine)

    # --- writing -----------------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the new events redacted (originals sealed); forget what is no longer needed."""
        await self.stream_events(tracker)
        now = self.clock()
        all_events = [event.as_dict() for event in tracker.events]
        known = known_values(all_events)
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            new_dicts = [event.as_dict() for event in new_events]
            fresh = (
                known_values(new_dicts).values.keys()
                - known_values(all_events[: len(all_events) - len(new_dicts)]).values.keys()
            )
            if fresh:
                self._reseal_earlier_events(session, tracker.sender_id, fresh, known, now)
            for event, data in zip(new_events, new_dicts, strict=True):
                self._add_event(session, tracker.sender_id, event.type_name, data, known, now)
            if _transcript_consent(tracker):
                self._keep_transcript(session, tracker.sender_id, now)
            elif _transcript_withdrawn(tracker):
                session.query(ConversationTranscript).filter_by(
                    sender_id=tracker.sender_id
                ).delete()
            if _flow_over(tracker):
                self._forget_originals(session, tracker.sender_id, now)
            self._forget_expired_originals(session, now)
            session.commit()
        logger.debug("Tracker stored (redacted).")

    def _add_event(
        self,
        session: Any,
        sender_id: str,
        type_name: str,
        data: dict,
        known: KnownValues,
        now: float,
    ) -> None:
        clear = redact_event(data, known)
        row = self.SQLEvent(
            sender_id=sender_id,
            type_name=type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            action_name=clear.get("name"),
            data=json.dumps(clear),
        )
        session.add(row)
        if clear != data:
            session.flush()  # the row's id names its sealed original
            session.add(self._seal(row.id, sender_id, data, now))

    def _seal(self, event_id: int, sender_id: str, data: dict, now: float) -> SealedEvent:
        token = self.cipher.encrypt(json.dumps(data).encode()).decode()
        return SealedEvent(event_id=event_id, sender_id=sender_id, sealed_at=now, ciphertext=token)

    def _reseal_earlier_events(
        self, session: Any, sender_id: str, fresh: Iterable[str], known: KnownValues, now: float
    ) -> None:
        """A value typed before the form asked for it, now known: redact it there too."""
        lowered = [value.lower() for value in fresh]
        sealed = {
            sid for (sid,) in session.query(SealedEvent.event_id).filter_by(sender_id=sender_id)
        }
        for row in session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id):
            if row.id in sealed or not any(value in row.data.lower() for value in lowered):
                continue
            original = json.loads(row.data)
            row.data = json.dumps(redact_event(original, known))
            session.add(self._seal(row.id, sender_id, original, now))

    def _keep_transcript(self, session: Any, sender_id: str, now: float) -> None:
        if session.get(ConversationTranscript, sender_id) is None:
            session.add(
                ConversationTranscript(
                    sender_id=sender_id,
                    consented_at=now,
                    keep_until=now + self.transcript_retention,
                )
            )

    def _kept(self, session: Any, now: float) -> Any:
        return session.query(ConversationTranscript.sender_id).filter(
            ConversationTranscript.keep_until > now
        )

    def _forget_originals(self, session: Any, sender_id: str, now: float) -> None:
        if session.query(self._kept(session, now).filter_by(sender_id=sender_id).exists()).scalar():
            return
        session.query(SealedEvent).filter_by(sender_id=sender_id).delete()

    def _forget_expired_originals(self, session: Any, now: float) -> None:
        """Originals past their age (session expired, flow abandoned) and ended transcripts."""
        expired_transcripts = session.query(ConversationTranscript.sender_id).filter(
            ConversationTranscript.keep_until <= now
        )
        session.query(SealedEvent).filter(
            SealedEvent.sender_id.in_(expired_transcripts.subquery().select())
        ).delete(synchronize_session=False)
        session.query(SealedEvent).filter(
            SealedEvent.sealed_at < now - self.sealed_max_age,
            SealedEvent.sender_id.notin_(self._kept(session, now).subquery().select()),
        ).delete(synchronize_session=False)
        session.query(ConversationTranscript).filter(
            ConversationTranscript.keep_until <= now
        ).delete(synchronize_session=False)

    def forget_expired(self) -> None:
        """The sweep on its own (also run on every save)."""
        with self.session_scope() as session:
            self._forget_expired_originals(session, self.clock())
            session.commit()

    def delete_conversation(self, sender_id: str) -> None:
        """Erasure: the conversation's events, originals and transcript consent, all of it."""
        with self.session_scope() as session:
            session.query(SealedEvent).filter_by(sender_id=sender_id).delete()
            session.query(ConversationTranscript).filter_by(sender_id=sender_id).delete()
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()

    # --- reading -----------------------------------------------------------------------------
    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
            sealed = dict(
                session.query(SealedEvent.event_id, SealedEvent.ciphertext).filter_by(
                    sender_id=sender_id
                )
            )
            events = [self._open(sealed.get(row.id), row.data) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    def _open(self, ciphertext: str | None, clear: str) -> dict[str, Any]:
        if ciphertext is not None:
            try:
                return json.loads(self.cipher.decrypt(ciphertext.encode()))
            except InvalidToken:
                logger.warning("A sealed event could not be decrypted; using its redacted form.")
        return json.loads(clear)


def _personal_slot_set(tracker: DialogueStateTracker) -> bool:
    for name in PERSONAL_SLOTS:
        try:
            value = tracker.get_slot(name)
        except KeyError:
            continue
        if isinstance(value, str) and value.strip().lower() not in NOT_PERSONAL:
            return True
    return False


def _flow_over(tracker: DialogueStateTracker) -> bool:
    return not tracker.active_loop_name and not _personal_slot_set(tracker)


def _transcript_consent(tracker: DialogueStateTracker) -> bool:
    try:
        return tracker.get_slot(TRANSCRIPT_SLOT) is True
    except KeyError:
        return False


def _transcript_withdrawn(tracker: DialogueStateTracker) -> bool:
    """The citizen withdrew the consent (slot False, not merely never given): the originals
    go at the end of the flow like any other conversation's."""
    try:
        return tracker.get_slot(TRANSCRIPT_SLOT) is False
    except KeyError:
        return False
