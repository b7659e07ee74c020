"""The administrators' changes to what the assistant knows, each recorded with its history.

Every use case takes the acting user's id (None only for the import) and `now`, validates with
`rules`, changes the rows and records an `AssistantChange` holding the intent's snapshot before
and after, in the caller's transaction. A change is reverted by restoring its `before`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from booking.assistant.models import (
    FAQ_PREFIX,
    AssistantAnswer,
    AssistantChange,
    AssistantExample,
    AssistantIntent,
)
from booking.assistant.rules import check_faq_key, clean_answer, clean_examples, comparable
from booking.errors import InvalidState, NotFound, ValidationFailed
from booking.i18n import LANGUAGES, N_

Snapshot = dict[str, Any]


def snapshot(intent: AssistantIntent) -> Snapshot:
    """The intent as a plain value: the history's `before` and `after`."""
    examples: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    for example in sorted(intent.examples, key=lambda e: e.position):
        examples[example.language].append(example.text)
    return {
        "name": intent.name,
        "retired": intent.retired_at is not None,
        "examples": examples,
        "answer": {answer.language: answer.text for answer in intent.answers},
    }


def list_intents(db: Session, *, include_retired: bool = True) -> list[AssistantIntent]:
    """Every intent in the order of the training files (the shipped order, then new ones)."""
    query = select(AssistantIntent).options(
        selectinload(AssistantIntent.examples), selectinload(AssistantIntent.answers)
    )
    if not include_retired:
        query = query.where(AssistantIntent.retired_at.is_(None))
    return list(db.scalars(query.order_by(AssistantIntent.id)))


def get_intent(db: Session, name: str) -> AssistantIntent:
    """The intent called `name` (`greet`, `faq/cost`), retired or not."""
    intent = db.scalar(select(AssistantIntent).where(AssistantIntent.name == name))
    if intent is None:
        raise NotFound(N_("The assistant has no intent called “%(name)s”."), name=name)
    return intent


def add_faq(
    db: Session,
    key: Any,
    examples: Any,
    answer: Any,
    *,
    user_id: int | None,
    now: datetime,
    held_out: Collection[str] = frozenset(),
) -> AssistantIntent:
    """A new FAQ question `faq/<key>` with its phrasings and its answer in both languages.

    `held_out`: the evaluation phrasings no training phrasing may repeat (`held_out_phrasings`).
    """
    name = FAQ_PREFIX + check_faq_key(key)
    if db.scalar(select(AssistantIntent.id).where(AssistantIntent.name == name)) is not None:
        raise _exists(name)
    cleaned_examples = clean_examples(examples, held_out)
    cleaned_answer = clean_answer(answer)
    intent = AssistantIntent(name=name, created_at=now)
    db.add(intent)
    try:
        db.flush()
    except IntegrityError:  # added by someone else meanwhile: the unique name refused it
        raise _exists(name) from None
    _check_not_elsewhere(db, intent, cleaned_examples)
    _replace_examples(intent, cleaned_examples)
    _replace_answer(intent, cleaned_answer)
    record(db, intent, "faq.create", None, user_id=user_id, now=now)
    return intent


def _exists(name: str) -> ValidationFailed:
    return ValidationFailed(
        N_("A question called “%(key)s” exists already (perhaps retired)."),
        field="key",
        key=name.removeprefix(FAQ_PREFIX),
    )


def set_examples(
    db: Session,
    name: str,
    examples: Any,
    *,
    user_id: int | None,
    now: datetime,
    held_out: Collection[str] = frozenset(),
) -> AssistantIntent:
    """Replaces the intent's phrasings in both languages (none of them held out)."""
    intent = _active(db, name)
    before = snapshot(intent)
    cleaned = clean_examples(examples, held_out)
    _check_not_elsewhere(db, intent, cleaned)
    _replace_examples(intent, cleaned)
    record(db, intent, "examples.update", before, user_id=user_id, now=now)
    return intent


def set_answer(
    db: Session, name: str, answer: Any, *, user_id: int | None, now: datetime
) -> AssistantIntent:
    """Replaces an FAQ question's answer in both languages."""
    intent = _active(db, name)
    if not intent.is_faq:
        raise ValidationFailed(
            N_("Only FAQ questions have an answer here; “%(name)s” is answered by the dialogue."),
            field="answer",
            name=name,
        )
    before = snapshot(intent)
    _replace_answer(intent, clean_answer(answer))
    record(db, intent, "answer.update", before, user_id=user_id, now=now)
    return intent


def retire_faq(db: Session, name: str, *, user_id: int | None, now: datetime) -> AssistantIntent:
    """Takes an FAQ question out of training; its content and history stay."""
    intent = _active(db, name)
    if not intent.is_faq:
        raise ValidationFailed(
            N_("Only FAQ questions can be retired; the dialogue needs “%(name)s”."),
            field="name",
            name=name,
        )
    before = snapshot(intent)
    intent.retired_at = now
    record(db, intent, "faq.retire", before, user_id=user_id, now=now)
    return intent


def revert_change(
    db: Session, change_id: int, *, user_id: int | None, now: datetime
) -> AssistantChange:
    """Restores the intent's phrasings and answer as they were before the change.

    Whether the question is retired changes only when the reverted change retired it, brought
    it back or created it (reverting a creation retires the question): reverting an old edit of
    an answer does not bring a retired question back. The revert is a change of its own.
    """
    change = db.get(AssistantChange, change_id)
    if change is None:
        raise NotFound(N_("Not found."))
    if change.before is None and change.action == "import":
        raise InvalidState(N_("The imported content is the starting point; it cannot be reverted."))
    intent = change.intent
    before = snapshot(intent)
    target = change.before or {**change.after, "retired": True}
    if change.before is not None and change.before["retired"] == change.after["retired"]:
        target = {**target, "retired": intent.retired_at is not None}
    if not target["retired"]:
        _check_not_elsewhere(db, intent, target["examples"])
    if target["retired"] != (intent.retired_at is not None):
        intent.retired_at = now if target["retired"] else None
    _replace_examples(intent, target["examples"])
    _replace_answer(intent, target["answer"])
    return record(db, intent, "revert", before, user_id=user_id, now=now, reverts=change)


def history(db: Session, *, name: str | None = None, limit: int = 200) -> list[AssistantChange]:
    """The latest changes, newest first; only those of one intent when `name` is given."""
    query = select(AssistantChange).options(
        selectinload(AssistantChange.intent), selectinload(AssistantChange.user)
    )
    if name is not None:
        query = query.join(AssistantChange.intent).where(AssistantIntent.name == name)
    query = query.order_by(AssistantChange.at.desc(), AssistantChange.id.desc()).limit(limit)
    return list(db.scalars(query))


def record(
    db: Session,
    intent: AssistantIntent,
    action: str,
    before: Snapshot | None,
    *,
    user_id: int | None,
    now: datetime,
    reverts: AssistantChange | None = None,
) -> AssistantChange:
    """Writes who changed the intent, when and how (its snapshot after the change)."""
    db.flush()
    db.refresh(intent)
    change = AssistantChange(
        at=now,
        intent_id=intent.id,
        user_id=user_id,
        action=action,
        before=before,
        after=snapshot(intent),
        reverts_id=reverts.id if reverts is not None else None,
    )
    db.add(change)
    db.flush()
    return change


def _active(db: Session, name: str) -> AssistantIntent:
    intent = get_intent(db, name)
    if intent.retired_at is not None:
        raise InvalidState(N_("“%(name)s” is retired; restore it from its history."), name=name)
    return intent


def _check_not_elsewhere(
    db: Session, intent: AssistantIntent, examples: dict[str, list[str]]
) -> None:
    """Refuses a phrasing another active intent already has (the assistant could not tell)."""
    wanted = {comparable(text): language for language in examples for text in examples[language]}
    query = (
        select(AssistantExample.text, AssistantIntent.name)
        .join(AssistantExample.intent)
        .where(AssistantIntent.id != intent.id, AssistantIntent.retired_at.is_(None))
    )
    for text, other in db.execute(query):
        language = wanted.get(comparable(text))
        if language is not None:
            raise ValidationFailed(
                N_("“%(example)s” is already an example of “%(intent)s”."),
                field=f"examples.{language}",
                example=text,
                intent=other,
            )


def _replace_examples(intent: AssistantIntent, examples: dict[str, list[str]]) -> None:
    """The phrasings in the order given (Danish first); training reads them in this order."""
    texts = [(language, text) for language in LANGUAGES for text in examples.get(language, [])]
    intent.examples = [
        AssistantExample(language=language, text=text, position=position)
        for position, (language, text) in enumerate(texts)
    ]


def _replace_answer(intent: AssistantIntent, answer: dict[str, str]) -> None:
    current = {row.language: row for row in intent.answers}
    for language in LANGUAGES:
        text = answer.get(language)
        row = current.get(language)
        if text is None:
            if row is not None:
                intent.answers.remove(row)
        elif row is None:
            intent.answers.append(AssistantAnswer(language=language, text=text))
        else:
            row.text = text


@dataclass(frozen=True)
class Difference:
    """What a change did to an intent: phrasings added and removed, answers changed."""

    added: dict[str, list[str]]
    removed: dict[str, list[str]]
    answers_changed: list[str]
    retired: bool | None  # True: retired, False: brought back, None: unchanged


def difference(change: AssistantChange) -> Difference:
    """The change's `before` compared with its `after`."""
    after = change.after
    # a new question: everything in it was added, nothing was "brought back"
    before = change.before or {"retired": after["retired"], "examples": {}, "answer": {}}
    added, removed = {}, {}
    for language in LANGUAGES:
        old = before["examples"].get(language, [])
        new = after["examples"].get(language, [])
        added[language] = [text for text in new if text not in old]
        removed[language] = [text for text in old if text not in new]
    answers = [
        language
        for language in LANGUAGES
        if before["answer"].get(language) != after["answer"].get(language)
    ]
    retired = None if before["retired"] == after["retired"] else bool(after["retired"])
    return Difference(added, removed, answers, retired)
