"""What the assistant knows, in the database: import, validation, history and revert."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from booking import assistant
from booking.assistant import AssistantChange, AssistantIntent
from booking.db import Database
from booking.errors import InvalidState, NotFound, ValidationFailed
from tests.support.assistant import SHIPPED, faq_payload, import_content
from tests.support.clock import NOW


@pytest.fixture
def content(db: Database) -> Database:
    import_content(db)
    return db


def _add(db: Database, **payload: Any) -> None:
    body = faq_payload(**payload)
    with db.transaction() as session:
        assistant.add_faq(
            session, body["key"], body["examples"], body["answer"], user_id=None, now=NOW
        )


def _snapshot(db: Database, name: str) -> dict[str, Any]:
    with db.transaction() as session:
        return assistant.snapshot(assistant.get_intent(session, name))


def test_the_shipped_data_is_imported_once_with_every_intent_and_answer(content: Database) -> None:
    with content.transaction() as session:
        assert assistant.import_shipped(session, SHIPPED, now=NOW) is False
        names = [intent.name for intent in assistant.list_intents(session)]
        changes = session.scalar(select(func.count()).select_from(AssistantChange))
    assert {"greet", "inform", "faq/opening_hours", "faq/cost"} <= set(names)
    assert changes == len(names)
    opening = _snapshot(content, "faq/opening_hours")
    assert "what are your opening hours" in opening["examples"]["en"]
    assert "hvornår har I åbent" in opening["examples"]["da"]
    assert "hvad tid lukker [jobcentret](service)" in opening["examples"]["da"]
    assert opening["answer"]["da"].startswith("{municipality_name} har åbent")
    assert opening["answer"]["en"].startswith("{municipality_name} is open")


def test_a_new_faq_question_is_stored_with_its_history(content: Database) -> None:
    _add(content)
    stored = _snapshot(content, "faq/parking_permit")
    assert stored["examples"] == faq_payload()["examples"]
    assert stored["answer"] == faq_payload()["answer"]
    with content.transaction() as session:
        (change,) = assistant.history(session, name="faq/parking_permit")
        assert (change.action, change.before, change.after) == ("faq.create", None, stored)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"key": "Parking Permit"}, "key", "lower case"),
        ({"key": "faq/x"}, "key", "lower case"),
        ({"key": "opening_hours"}, "key", "exists already"),
        ({"examples": {"da": ["a", "b", "c"]}}, "examples.en", "in English"),
        (
            {"examples": {"da": ["hej med dig", "goddag"], "en": ["a", "b", "c"]}},
            "examples.da",
            "at least 3",
        ),
        (
            {"examples": {"da": ["x", "x ", "X?"], "en": ["a", "b", "c"]}},
            "examples.da",
            "at least 3",
        ),
        (
            {"examples": {"da": ["hvornår har I åbent", "b", "c"], "en": ["a", "b", "c"]}},
            "examples.da",
            "faq/opening_hours",
        ),
        (
            {"examples": {"da": ["[jobcentret(service)", "b", "c"], "en": ["a", "b", "c"]}},
            "examples.da",
            "annotation",
        ),
        (
            {"examples": {"da": ["[jobcentret](place)", "b", "c"], "en": ["a", "b", "c"]}},
            "examples.da",
            "place",
        ),
        (
            {"examples": {"da": ["a", "b", "c"], "en": ['[x]{"value": 1}', "b", "c"]}},
            "examples.en",
            "not a valid annotation",
        ),
        ({"answer": {"da": "  ", "en": "x"}}, "answer.da", "in Danish"),
        ({"answer": {"da": "x"}}, "answer.en", "in English"),
        ({"answer": {"da": "x {borgmester}", "en": "x"}}, "answer.da", "not a municipality fact"),
    ],
)
def test_a_question_breaking_a_rule_is_refused_with_its_field(
    content: Database, changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _add(content, **changes)
    assert refused.value.field == field
    assert message in refused.value.message
    with content.transaction() as session:
        assert (
            session.scalar(
                select(AssistantIntent.id).where(AssistantIntent.name == "faq/parking_permit")
            )
            is None
        )


def test_editing_examples_and_answers_is_recorded_and_each_change_can_be_reverted(
    content: Database,
) -> None:
    original = _snapshot(content, "faq/cost")
    examples = {
        "da": original["examples"]["da"][:3],
        "en": ["is it free", "what does it cost", "do I have to pay"],
    }
    with content.transaction() as session:
        assistant.set_examples(session, "faq/cost", examples, user_id=None, now=NOW)
        assistant.set_answer(
            session,
            "faq/cost",
            {"da": "Det er gratis.", "en": "It is free."},
            user_id=None,
            now=NOW,
        )
    edited = _snapshot(content, "faq/cost")
    assert edited["examples"] == examples and edited["answer"]["en"] == "It is free."
    with content.transaction() as session:
        answer_change, examples_change = assistant.history(session, name="faq/cost")[:2]
        assert (answer_change.action, examples_change.action) == (
            "answer.update",
            "examples.update",
        )
        assistant.revert_change(session, answer_change.id, user_id=None, now=NOW)
    assert _snapshot(content, "faq/cost")["answer"] == original["answer"]
    with content.transaction() as session:
        assistant.revert_change(session, examples_change.id, user_id=None, now=NOW)
    assert _snapshot(content, "faq/cost") == original


def test_retiring_a_question_keeps_it_and_reverting_brings_it_back(content: Database) -> None:
    with content.transaction() as session:
        assistant.retire_faq(session, "faq/cost", user_id=None, now=NOW)
        active = [i.name for i in assistant.list_intents(session, include_retired=False)]
        with pytest.raises(InvalidState):
            assistant.set_answer(session, "faq/cost", {"da": "x", "en": "y"}, user_id=None, now=NOW)
        (retirement,) = [c for c in assistant.history(session) if c.action == "faq.retire"]
    assert "faq/cost" not in active
    with content.transaction() as session:
        assistant.revert_change(session, retirement.id, user_id=None, now=NOW)
    assert _snapshot(content, "faq/cost")["retired"] is False


def test_reverting_the_creation_of_a_question_retires_it(content: Database) -> None:
    _add(content)
    with content.transaction() as session:
        (created,) = assistant.history(session, name="faq/parking_permit")
        assistant.revert_change(session, created.id, user_id=None, now=NOW)
    assert _snapshot(content, "faq/parking_permit")["retired"] is True


def test_a_retired_questions_examples_may_be_reused_but_then_it_cannot_come_back(
    content: Database,
) -> None:
    _add(content)
    with content.transaction() as session:
        assistant.retire_faq(session, "faq/parking_permit", user_id=None, now=NOW)
        (retirement,) = assistant.history(session, name="faq/parking_permit")[:1]
    _add(content, key="parking")
    with content.transaction() as session, pytest.raises(ValidationFailed) as refused:
        assistant.revert_change(session, retirement.id, user_id=None, now=NOW)
    assert "faq/parking" in refused.value.message


def test_only_faq_questions_can_be_retired_or_answered_and_the_import_is_not_reverted(
    content: Database,
) -> None:
    with content.transaction() as session:
        with pytest.raises(ValidationFailed):
            assistant.retire_faq(session, "greet", user_id=None, now=NOW)
        with pytest.raises(ValidationFailed):
            assistant.set_answer(session, "greet", {"da": "x", "en": "y"}, user_id=None, now=NOW)
        with pytest.raises(NotFound):
            assistant.get_intent(session, "faq/nothing")
        (imported,) = assistant.history(session, name="greet")
        with pytest.raises(InvalidState):
            assistant.revert_change(session, imported.id, user_id=None, now=NOW)


def test_reverting_an_old_edit_of_a_retired_question_keeps_it_retired(content: Database) -> None:
    original = _snapshot(content, "faq/cost")
    with content.transaction() as session:
        edit = assistant.set_answer(
            session, "faq/cost", {"da": "Gratis.", "en": "Free."}, user_id=None, now=NOW
        )
        (answer_change,) = assistant.history(session, name=edit.name)[:1]
        assistant.retire_faq(session, "faq/cost", user_id=None, now=NOW)
        assistant.revert_change(session, answer_change.id, user_id=None, now=NOW)
    restored = _snapshot(content, "faq/cost")
    assert restored["retired"] is True
    assert restored["answer"] == original["answer"]


def test_a_held_out_test_phrasing_is_refused_as_an_example(content: Database) -> None:
    held_out = assistant.held_out_phrasings(SHIPPED.parent / "tests" / "nlu_holdout.yml")
    assert "hej med jer derinde" in held_out
    body = faq_payload(examples={"da": ["Hej med jer derinde!", "b", "c"], "en": ["a", "b", "c"]})
    with content.transaction() as session, pytest.raises(ValidationFailed) as refused:
        assistant.add_faq(
            session,
            body["key"],
            body["examples"],
            body["answer"],
            user_id=None,
            now=NOW,
            held_out=held_out,
        )
    assert refused.value.field == "examples.da" and "held-out" in refused.value.message
    greet = {"da": ["hej", "goddag", "hej med jer derinde"], "en": ["hello", "hi", "hey"]}
    with content.transaction() as session, pytest.raises(ValidationFailed):
        assistant.set_examples(session, "greet", greet, user_id=None, now=NOW, held_out=held_out)
