"""What the admin pages and the admin API share about the assistant's content.

The shipped `bot/data` is imported the first time anyone looks at or changes the content (and
by `flask --app web assistant import`, which `make db` runs), so a fresh deployment needs no
extra step; the import does nothing once content exists.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking import assistant
from booking.assistant import AssistantChange, AssistantIntent
from web.extensions import now


def ensure_imported(db: Session) -> bool:
    """Imports the shipped content into an empty database; True when it did."""
    shipped = Path(current_app.config["ASSISTANT_DATA_DIR"])
    try:
        with db.begin_nested():
            return assistant.import_shipped(db, shipped, now=now())
    except IntegrityError:  # two first requests at once: the other one imported it
        return False


def held_out(db: Session) -> frozenset[str]:
    """The held-out evaluation phrasings: the shipped file's (re-read when it changes) and the
    test phrasings administrators added."""
    added = assistant.admin_held_out(db)
    path = Path(current_app.config["ASSISTANT_HELD_OUT_FILE"])
    if not path.exists():
        return added
    return _held_out(path, path.stat().st_mtime_ns) | added


@lru_cache(maxsize=4)
def _held_out(path: Path, _mtime: int) -> frozenset[str]:
    return assistant.held_out_phrasings(path)


def intent_json(intent: AssistantIntent) -> dict[str, Any]:
    content = assistant.snapshot(intent)
    body: dict[str, Any] = {
        "name": intent.name,
        "faq": intent.is_faq,
        "retired": content["retired"],
        "examples": content["examples"],
    }
    if intent.is_faq:
        body["key"] = intent.key
        body["answer"] = content["answer"]
    return body


def change_json(change: AssistantChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "at": change.at.isoformat(),
        "intent": change.intent.name,
        "action": change.action,
        "by": change.user.email if change.user is not None else None,
        "reverts": change.reverts_id,
        "before": change.before,
        "after": change.after,
    }
