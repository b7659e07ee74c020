"""Municipality facts administrators edit (issue 12, service settings).

Facts without a row keep taking their value from configuration (`MUNICIPALITY_*`).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import booking.models

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC = booking.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "municipality_facts",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("municipality_facts")
