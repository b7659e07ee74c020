"""The migrations build the schema on both backends, and seeding is idempotent."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

import booking.assistant.models  # noqa: F401  (its tables join Base.metadata)
from booking.db import Database
from booking.demo import seed_demo
from booking.models import Base, Caseworker, ConsentText, Service


def test_migrations_create_every_table_and_demo_data_loads_once(database_url: str) -> None:
    database = Database(database_url)
    tables = set(inspect(database.engine).get_table_names())
    assert {"services", "caseworkers", "bookings", "consent_records", "outbox_messages"} <= tables

    with database.transaction() as session:
        assert seed_demo(session) is True
    with database.transaction() as session:
        assert seed_demo(session) is False
        codes = set(session.scalars(select(Service.code)))
        assert codes == {"jobcenter", "sundhedspleje", "fysioterapi"}
        assert session.scalar(select(func.count(Caseworker.id))) >= 6
        assert session.scalar(select(func.count(ConsentText.id))) == 6
    database.dispose()


def test_the_migrations_match_the_models_so_no_change_is_left_without_a_migration(
    database_url: str,
) -> None:
    database = Database(database_url)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    database.dispose()
    assert differences == []
