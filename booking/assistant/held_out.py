"""Test phrasings administrators add to the held-out set: evaluated on, never trained on.

A test phrasing names the intent it should be understood as (`faq/cost`, `greet`). It must
not be a training example of any intent (then it would measure nothing), and the content rules
refuse it as a training example afterwards (`held_out` in `rules.clean_examples`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.assistant.annotations import plain_text
from booking.assistant.content import get_intent
from booking.assistant.models import AssistantExample, AssistantTestPhrasing
from booking.assistant.rules import MAX_EXAMPLE_LENGTH, comparable
from booking.errors import NotFound, ValidationFailed
from booking.i18n import N_


def list_test_phrasings(db: Session) -> list[AssistantTestPhrasing]:
    query = select(AssistantTestPhrasing).order_by(
        AssistantTestPhrasing.intent, AssistantTestPhrasing.id
    )
    return list(db.scalars(query))


def admin_held_out(db: Session) -> frozenset[str]:
    """The test phrasings as `rules.comparable` compares (to refuse them as examples)."""
    return frozenset(comparable(text) for text in db.scalars(select(AssistantTestPhrasing.text)))


def add_test_phrasing(
    db: Session, intent: Any, text: Any, *, user_id: int | None, now: datetime
) -> AssistantTestPhrasing:
    """Keeps `text` as a held-out phrasing of `intent`; refused when it is a training example."""
    if not isinstance(intent, str) or not intent.strip():
        raise ValidationFailed(N_("Choose the intent the phrasing belongs to."), field="intent")
    try:
        target = get_intent(db, intent.strip())
    except NotFound:
        raise ValidationFailed(
            N_("The assistant has no intent called “%(name)s”."), field="intent", name=intent
        ) from None
    phrasing = " ".join(plain_text(text).split()) if isinstance(text, str) else ""
    if not phrasing:
        raise ValidationFailed(N_("Write the test phrasing."), field="text")
    if len(phrasing) > MAX_EXAMPLE_LENGTH:
        raise ValidationFailed(
            N_("Use at most %(count)s characters."), field="text", count=MAX_EXAMPLE_LENGTH
        )
    wanted = comparable(phrasing)
    if any(comparable(t) == wanted for t in db.scalars(select(AssistantExample.text))):
        raise ValidationFailed(
            N_(
                "“%(example)s” is a training example; a test phrasing must be worded "
                "differently, or it measures nothing."
            ),
            field="text",
            example=phrasing,
        )
    if wanted in admin_held_out(db):
        raise ValidationFailed(
            N_("“%(example)s” is a test phrasing already."), field="text", example=phrasing
        )
    row = AssistantTestPhrasing(intent=target.name, text=phrasing, created_at=now, user_id=user_id)
    db.add(row)
    db.flush()
    return row


def remove_test_phrasing(db: Session, phrasing_id: int) -> None:
    row = db.get(AssistantTestPhrasing, phrasing_id)
    if row is None:
        raise NotFound(N_("There is no test phrasing %(id)s."), id=phrasing_id)
    db.delete(row)
    db.flush()
