"""What the assistant knows, as rows: intents, their example phrasings, FAQ answers, history.

The tables share `booking.models.Base`; `migrations/env.py` imports this module so that the
migrations see them. An FAQ question is the retrieval intent `faq/<key>`; its answer is Rasa's
response `utter_faq/<key>` in each language. Intents are never deleted: an FAQ question is
retired (`retired_at`), so its history stays readable and a retirement can be reverted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.models import Base, User, utcnow

FAQ_PREFIX = "faq/"
LANGUAGE_CHECK = "language IN ('da', 'en')"


class AssistantIntent(Base):
    """An intent the assistant recognises (`greet`, `faq/opening_hours`, …)."""

    __tablename__ = "assistant_intents"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    examples: Mapped[list[AssistantExample]] = relationship(
        back_populates="intent",
        cascade="all, delete-orphan",
        # the id breaks ties, so the exported training data is the same on every export
        order_by="(AssistantExample.position, AssistantExample.id)",
    )
    answers: Mapped[list[AssistantAnswer]] = relationship(
        back_populates="intent", cascade="all, delete-orphan"
    )

    @property
    def is_faq(self) -> bool:
        return self.name.startswith(FAQ_PREFIX)

    @property
    def key(self) -> str:
        """The FAQ key (`opening_hours` of `faq/opening_hours`), else the intent's name."""
        return self.name.removeprefix(FAQ_PREFIX)

    @property
    def active(self) -> bool:
        return self.retired_at is None


class AssistantExample(Base):
    """One phrasing of an intent, exactly as written (entity annotations included)."""

    __tablename__ = "assistant_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    intent_id: Mapped[int] = mapped_column(
        ForeignKey("assistant_intents.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    # Training files list an intent's phrasings in this order (the shipped order on import).
    position: Mapped[int] = mapped_column(Integer)

    intent: Mapped[AssistantIntent] = relationship(back_populates="examples")

    __table_args__ = (CheckConstraint(LANGUAGE_CHECK, name="ck_example_language"),)


class AssistantAnswer(Base):
    """The answer to an FAQ question in one language (Rasa's `utter_faq/<key>`)."""

    __tablename__ = "assistant_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    intent_id: Mapped[int] = mapped_column(ForeignKey("assistant_intents.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)

    intent: Mapped[AssistantIntent] = relationship(back_populates="answers")

    __table_args__ = (
        UniqueConstraint("intent_id", "language", name="uq_answer_language"),
        CheckConstraint(LANGUAGE_CHECK, name="ck_answer_language"),
    )


class AssistantChange(Base):
    """One change to an intent: who, when, what, and the intent before and after.

    `before` and `after` are whole snapshots of the intent (see `content.snapshot`), so a
    change is reverted by restoring `before`; the revert is itself a change.
    """

    __tablename__ = "assistant_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    intent_id: Mapped[int] = mapped_column(ForeignKey("assistant_intents.id", ondelete="CASCADE"))
    # None for the import of the shipped data (no person made it)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any]]
    reverts_id: Mapped[int | None] = mapped_column(
        ForeignKey("assistant_changes.id", ondelete="SET NULL")
    )

    intent: Mapped[AssistantIntent] = relationship()
    user: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_assistant_changes_intent_at", "intent_id", "at"),)


class TrainingStatus:
    """A training's states: queued → running → succeeded | failed (never backwards)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ALL = (QUEUED, RUNNING, SUCCEEDED, FAILED)


class AssistantTraining(Base):
    """One training of the assistant on the stored content, its model, scores and log.

    `active` is True while the training is queued or running and NULL afterwards: its unique
    constraint lets the database itself refuse a second active training (NULLs never clash).
    """

    __tablename__ = "assistant_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=TrainingStatus.QUEUED)
    active: Mapped[bool | None] = mapped_column(unique=True, default=True)
    progress: Mapped[float] = mapped_column(default=0.0)
    phase: Mapped[str | None] = mapped_column(String(40))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # written while running; a running training without one for long lost its worker
    heartbeat_at: Mapped[datetime | None]
    model_file: Mapped[str | None] = mapped_column(Text)
    data_file: Mapped[str | None] = mapped_column(Text)
    log_file: Mapped[str | None] = mapped_column(Text)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    # {"macro_f1", "published_macro_f1", "published_model", "intents": {...}, "confusions": [...]}
    evaluation: Mapped[dict[str, Any] | None]

    requested_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed')", name="ck_training_status"
        ),
    )

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class AssistantPublication(Base):
    """A model made the running one: published after a training, or an earlier one restored.

    The newest row names the published model; without any, the shipped model is published.
    `override` and `reason` record an administrator publishing a model that evaluated worse.
    """

    __tablename__ = "assistant_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))  # publish | restore
    # None: the shipped model (models/borgerbooking.tar.gz)
    training_id: Mapped[int | None] = mapped_column(
        ForeignKey("assistant_trainings.id", ondelete="SET NULL")
    )
    model_file: Mapped[str] = mapped_column(Text)
    override: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()
    training: Mapped[AssistantTraining | None] = relationship()


class AssistantTestPhrasing(Base):
    """A phrasing administrators keep for evaluation only: never a training example."""

    __tablename__ = "assistant_test_phrasings"

    id: Mapped[int] = mapped_column(primary_key=True)
    intent: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship()
