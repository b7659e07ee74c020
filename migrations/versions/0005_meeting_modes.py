"""Meeting modes: video, phone or in person per service, availability and booking.

Existing services offer video only and existing bookings stay video meetings; only video
meetings keep a Jitsi room, so `room_name` becomes nullable. A phone call to the assistant is
a booking channel of its own (`phone`).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ADDRESS_COLUMNS = ("address_da", "address_en", "directions_da", "directions_en")


def upgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.add_column(
            sa.Column("modes", sa.JSON(), nullable=False, server_default=sa.text("'[\"video\"]'"))
        )
        for name in ADDRESS_COLUMNS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("caseworkers") as batch:
        for name in ADDRESS_COLUMNS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("working_hours") as batch:
        batch.add_column(sa.Column("modes", sa.JSON(), nullable=True))
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(
            sa.Column("mode", sa.String(length=20), nullable=False, server_default="video")
        )
        batch.alter_column("room_name", existing_type=sa.String(length=64), nullable=True)
        batch.create_check_constraint("ck_mode_allowed", "mode IN ('video', 'phone', 'in_person')")
        batch.drop_constraint("ck_channel_allowed", type_="check")
        batch.create_check_constraint(
            "ck_channel_allowed", "channel IN ('chat', 'web', 'sms', 'phone')"
        )


def downgrade() -> None:
    with op.batch_alter_table("bookings") as batch:
        batch.drop_constraint("ck_channel_allowed", type_="check")
        batch.create_check_constraint("ck_channel_allowed", "channel IN ('chat', 'web', 'sms')")
        batch.drop_constraint("ck_mode_allowed", type_="check")
        batch.drop_column("mode")
        batch.alter_column("room_name", existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table("working_hours") as batch:
        batch.drop_column("modes")
    with op.batch_alter_table("caseworkers") as batch:
        for name in ADDRESS_COLUMNS:
            batch.drop_column(name)
    with op.batch_alter_table("services") as batch:
        for name in ADDRESS_COLUMNS:
            batch.drop_column(name)
        batch.drop_column("modes")
