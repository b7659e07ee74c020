"""Bookings record the assistant conversation they were made in (erasure and retention reach it).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("conversation_id", sa.String(length=255), nullable=True))
        batch.create_index("ix_bookings_conversation", ["conversation_id"])


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_index("ix_bookings_conversation")
        batch.drop_column("conversation_id")
