"""The phrases the assistant understood badly in recent conversations, and adding one of them
as an example of an intent.

Read from the tracker database (Rasa's `events` table, as `bot/stores/tracker_store.py`
writes it), read-only, and only for conversations whose `chat_transcript` consent still runs
(`conversation_transcripts.keep_until` in the future). The stored texts are already redacted;
phrases holding a redaction marker (`[navn]`, `[telefon]`, …) are left out as well, and the
encrypted originals are never opened.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from booking.assistant import get_intent, set_examples, snapshot
from booking.assistant.languages import guess_language
from booking.assistant.rules import comparable
from booking.errors import NotFound, ValidationFailed
from booking.i18n import LANGUAGES, N_
from booking.privacy.conversations import EVENTS, TRANSCRIPTS, engine_url

# The intent Rasa's FallbackClassifier predicts (config.yml, threshold 0.4).
FALLBACK_INTENT = "nlu_fallback"
# Below this the assistant understood but was unsure: worth a look.
LOW_CONFIDENCE = 0.6
REDACTION_MARKERS = re.compile(r"\[(navn|telefon|e-mail|cpr|kode|token)\]")


@dataclass(frozen=True)
class Phrase:
    """A phrase citizens wrote, how often, and the intent the assistant leant towards."""

    text: str
    count: int
    suggested_intent: str | None
    confidence: float
    language: str


def read_only_url(url: str) -> str:
    """The tracker database's URL, opened read-only where the driver can say so (SQLite)."""
    url = engine_url(url)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        path = url.removeprefix("sqlite:///")
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    return url


class PhraseReader:
    """Reads the user messages of kept conversations in the tracker database
    (`TRACKER_STORE_URL`)."""

    def __init__(self, url: str) -> None:
        options: dict[str, Any] = {}
        if url.startswith(("postgresql", "postgres")):
            options["execution_options"] = {"postgresql_readonly": True}
        self.engine: Engine = create_engine(read_only_url(url), **options)

    def messages(self, *, now: datetime, days: int) -> list[dict[str, Any]]:
        """The parsed user messages of the last `days` days in kept conversations; none when the
        database or its tables are absent."""
        kept = select(TRANSCRIPTS.c.sender_id).where(TRANSCRIPTS.c.keep_until > now.timestamp())
        query = select(EVENTS.c.data).where(
            EVENTS.c.type_name == "user",
            EVENTS.c.timestamp >= (now - timedelta(days=days)).timestamp(),
            EVENTS.c.sender_id.in_(kept),
        )
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(query).scalars().all()
        except SQLAlchemyError:
            return []
        messages = []
        for data in rows:
            try:
                messages.append(json.loads(data or "{}"))
            except ValueError:
                continue
        return messages

    def frequent(
        self, *, now: datetime, days: int = 30, limit: int = 10
    ) -> tuple[list[Phrase], list[Phrase]]:
        """The most frequent fallback phrases and low-confidence phrases, most frequent first."""
        return frequent_phrases(self.messages(now=now, days=days), limit=limit)

    def dispose(self) -> None:
        self.engine.dispose()


def _top_intent(parse_data: dict[str, Any]) -> tuple[str | None, float]:
    """The intent the assistant leant towards (the best one that is not the fallback)."""
    ranking = parse_data.get("intent_ranking") or [parse_data.get("intent") or {}]
    for candidate in ranking:
        name = candidate.get("name")
        if name and name != FALLBACK_INTENT:
            return str(name), float(candidate.get("confidence") or 0.0)
    return None, 0.0


def _usable(text: str) -> bool:
    return bool(text) and not text.startswith("/") and not REDACTION_MARKERS.search(text)


def frequent_phrases(
    messages: list[dict[str, Any]], *, limit: int = 10
) -> tuple[list[Phrase], list[Phrase]]:
    """Sorts parsed user messages into fallback and low-confidence phrases, counted by text
    (case and surrounding space ignored)."""
    counts: dict[str, Counter[str]] = {"fallback": Counter(), "low": Counter()}
    seen: dict[str, tuple[str, str | None, float]] = {}
    for message in messages:
        text = " ".join(str(message.get("text") or "").split())
        parse_data = message.get("parse_data") or {}
        intent = parse_data.get("intent") or {}
        if not _usable(text):
            continue
        if intent.get("name") == FALLBACK_INTENT:
            kind = "fallback"
        elif float(intent.get("confidence") or 1.0) < LOW_CONFIDENCE:
            kind = "low"
        else:
            continue
        key = text.lower()
        counts[kind][key] += 1
        seen.setdefault(key, (text, *_top_intent(parse_data)))
    return _phrases(counts["fallback"], seen, limit), _phrases(counts["low"], seen, limit)


def _phrases(
    counts: Counter[str], seen: dict[str, tuple[str, str | None, float]], limit: int
) -> list[Phrase]:
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    result = []
    for key, count in ordered:
        text, intent, confidence = seen[key]
        result.append(Phrase(text, count, intent, confidence, guess_language(text)))
    return result


def add_phrase_as_example(
    db: Session,
    intent_name: str,
    language: str,
    text: str,
    *,
    user_id: int | None,
    now: datetime,
    held_out: Collection[str] = frozenset(),
) -> None:
    """Adds `text` to the intent's phrasings in `language`, by the same rules and with the same
    history as any change of its phrasings."""
    if language not in LANGUAGES:
        raise ValidationFailed(N_("Choose Danish or English."), field="language")
    if REDACTION_MARKERS.search(text):
        raise ValidationFailed(N_("This phrase holds personal data."), field="text")
    try:
        examples = snapshot(get_intent(db, intent_name))["examples"]
    except NotFound:
        raise ValidationFailed(N_("Choose one of the intents."), field="intent") from None
    text = " ".join(text.split())
    if comparable(text) in {comparable(e) for e in examples[language]}:
        raise ValidationFailed(
            N_("“%(example)s” is already an example of “%(intent)s”."),
            field="text",
            example=text,
            intent=intent_name,
        )
    examples[language] = [*examples[language], text]
    set_examples(db, intent_name, examples, user_id=user_id, now=now, held_out=held_out)
