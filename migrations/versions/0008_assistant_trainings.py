"""The assistant's trainings, published models and administrators' test phrasings (issue 12).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import booking.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC = booking.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assistant_trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", UTC, nullable=False),
        sa.Column("started_at", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("heartbeat_at", UTC, nullable=True),
        sa.Column("model_file", sa.Text(), nullable=True),
        sa.Column("data_file", sa.Text(), nullable=True),
        sa.Column("log_file", sa.Text(), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("evaluation", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed')", name="ck_training_status"
        ),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("active"),
    )
    op.create_table(
        "assistant_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=True),
        sa.Column("model_file", sa.Text(), nullable=False),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["training_id"], ["assistant_trainings.id"], ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "assistant_test_phrasings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intent", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("assistant_test_phrasings")
    op.drop_table("assistant_publications")
    op.drop_table("assistant_trainings")
