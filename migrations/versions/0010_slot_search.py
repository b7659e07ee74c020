"""Slot search reads only the window asked for, and keeps schedules in memory (issue 15.2).

- `schedule_versions`: one row counting changes to services, caseworkers and working hours,
  so each process knows when its in-memory copy is stale.
- `ix_bookings_caseworker_end`, `ix_absences_caseworker_end`: the rows of a caseworker that end
  after the window opens, without scanning the history before it.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    versions = op.create_table(
        "schedule_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(versions, [{"id": 1, "version": 0}])
    op.create_index(
        "ix_bookings_caseworker_end",
        "bookings",
        ["caseworker_id", "end_at", "start_at", "status"],
    )
    op.create_index(
        "ix_absences_caseworker_end", "absences", ["caseworker_id", "end_at", "start_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_absences_caseworker_end", table_name="absences")
    op.drop_index("ix_bookings_caseworker_end", table_name="bookings")
    op.drop_table("schedule_versions")
