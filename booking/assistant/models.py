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
        order_by="AssistantExample.position",
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
