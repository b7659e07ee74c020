"""Commands on the app: `flask --app web db upgrade`, `flask --app web seed-demo`, …"""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import AppGroup

from booking.demo import seed_demo, seed_demo_meetings, seed_demo_users
from booking.models import utcnow
from web.extensions import get_db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

db_cli = AppGroup("db", help="Database migrations (Alembic).")


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_database(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    upgrade_database(current_app.config["DATABASE_URL"], revision)


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION."""
    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True)
def db_revision(message: str, autogenerate: bool) -> None:
    """Create a new migration file."""
    cfg = alembic_config(current_app.config["DATABASE_URL"])
    command.revision(cfg, message=message, autogenerate=autogenerate)


@db_cli.command("current")
def db_current() -> None:
    command.current(alembic_config(current_app.config["DATABASE_URL"]))


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load demo services, caseworkers and consent texts (once; a second run does nothing)."""
    with get_db().transaction() as session:
        created = seed_demo(session)
    click.echo("Demo data loaded." if created else "Demo data already present; nothing changed.")
    if current_app.config.get("ENV_NAME") == "development":
        with get_db().transaction() as session:
            logins = seed_demo_users(session)
            meetings = seed_demo_meetings(session, utcnow())
        if meetings:
            click.echo(f"{meetings} demo meetings for {logins[0][0]} around now.")
        click.echo("Demo logins (development only) / Demo-logins: e-mail  password")
        for email, password in logins:
            click.echo(f"  {email}  {password}")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_demo_command)
