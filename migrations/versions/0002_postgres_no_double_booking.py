"""PostgreSQL: no two confirmed bookings of one caseworker overlap (exclusion constraint).

SQLite has no exclusion constraints; there the booking transaction is BEGIN IMMEDIATE and
re-checks for overlaps inside it (booking/bookings/placement.py).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(
        "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap "
        "EXCLUDE USING gist (caseworker_id WITH =, tstzrange(start_at, end_at) WITH &&) "
        "WHERE (status = 'confirmed')"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE bookings DROP CONSTRAINT IF EXISTS ex_bookings_no_overlap")
