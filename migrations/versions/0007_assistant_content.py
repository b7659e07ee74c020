"""What the assistant knows, in the database; administrators' API keys.

Intents, their example phrasings per language, FAQ answers per language and the history of
every change (issue 12). The shipped `bot/data` is imported by `flask --app web assistant
import` (run by `make db`), not here: a migration changes the schema only.

Revision ID: 0007
Revises: 0006_rate_limits
"""

import sqlalchemy as sa
from alembic import op

import booking.models

revision = "0007"
down_revision = "0006_rate_limits"
branch_labels = None
depends_on = None

UTC = booking.models.UTCDateTime(timezone=True)
LANGUAGE_CHECK = "language IN ('da', 'en')"


def upgrade() -> None:
    op.create_table(
        "admin_api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("last_used_at", UTC, nullable=True),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    op.create_index("ix_admin_api_keys_user_id", "admin_api_keys", ["user_id"])
    op.create_table(
        "assistant_intents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("retired_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "assistant_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intent_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(LANGUAGE_CHECK, name="ck_example_language"),
        sa.ForeignKeyConstraint(["intent_id"], ["assistant_intents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assistant_examples_intent_id", "assistant_examples", ["intent_id"])
    op.create_table(
        "assistant_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intent_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint(LANGUAGE_CHECK, name="ck_answer_language"),
        sa.ForeignKeyConstraint(["intent_id"], ["assistant_intents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("intent_id", "language", name="uq_answer_language"),
    )
    op.create_table(
        "assistant_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("intent_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("reverts_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["intent_id"], ["assistant_intents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reverts_id"], ["assistant_changes.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assistant_changes_intent_at", "assistant_changes", ["intent_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_assistant_changes_intent_at", table_name="assistant_changes")
    op.drop_table("assistant_changes")
    op.drop_table("assistant_answers")
    op.drop_index("ix_assistant_examples_intent_id", table_name="assistant_examples")
    op.drop_table("assistant_examples")
    op.drop_table("assistant_intents")
    op.drop_index("ix_admin_api_keys_user_id", table_name="admin_api_keys")
    op.drop_table("admin_api_keys")
