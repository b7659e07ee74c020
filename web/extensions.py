"""Per-app collaborators (database, SMS sender, rate limiter), reachable from views."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from flask import Flask, current_app

from booking.db import Database
from booking.insight import PhraseReader
from booking.notify import SmsSender, sms_sender_from_config
from booking.privacy import ConversationStore
from web import ratelimits


def init_app(app: Flask) -> None:
    ratelimits.init_app(app)
    app.extensions["sms_sender"] = sms_sender_from_config(app.config)
    url = app.config.get("TRACKER_STORE_URL")
    app.extensions["conversations"] = (
        ConversationStore(url, retention_days=int(app.config["CONVERSATION_RETENTION_DAYS"]))
        if url
        else None
    )
    app.extensions["phrase_reader"] = PhraseReader(url) if url else None


def get_db() -> Database:
    db: Database = current_app.extensions["database"]
    return db


def get_conversations() -> ConversationStore | None:
    """The assistant's tracker database, for erasure and retention; None if not configured."""
    store: ConversationStore | None = current_app.extensions.get("conversations")
    return store


def get_phrase_reader() -> PhraseReader | None:
    """The tracker database opened read-only for the insight page; None if not configured."""
    reader: PhraseReader | None = current_app.extensions.get("phrase_reader")
    return reader


def get_sms_sender() -> SmsSender:
    sender: SmsSender = current_app.extensions["sms_sender"]
    return sender


def now() -> datetime:
    """The current time; tests put a fake clock in `app.extensions["clock"]`."""
    clock = current_app.extensions.get("clock")
    return cast(datetime, clock()) if clock else datetime.now(UTC)
