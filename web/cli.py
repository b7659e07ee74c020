"""Commands on the app: `flask --app web db upgrade`, `flask --app web seed-demo`, …"""

from __future__ import annotations

import os
from pathlib import Path

import click
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from booking.demo import seed_demo, seed_demo_meetings, seed_demo_users
from booking.errors import ValidationFailed
from booking.models import Role, utcnow
from booking.privacy import apply_retention, due_for_retention, record_event
from booking.staff import accounts
from web.admin.commands import admin_key_cli, assistant_cli
from web.extensions import get_conversations, get_db, now
from web.training_worker import trainer_command
from web.worker import worker_command

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
        click.echo("Demo logins (development only): e-mail  password")
        for email, password in logins:
            click.echo(f"  {email}  {password}")


@click.command("create-admin")
@with_appcontext
@click.option("--email", required=True, help="The admin's e-mail (their login).")
def create_admin_command(email: str) -> None:
    """Create an admin login; the password comes from ADMIN_PASSWORD or is prompted for."""
    password = os.environ.get("ADMIN_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        with get_db().transaction() as db:
            user = accounts.create_user(
                db, email=email, password=password, role=Role.ADMIN.value, now=now()
            )
            record_event(
                db,
                actor_type="system",
                actor_id="cli",
                action="user.create",
                detail={"user_id": user.id},
                now=now(),
            )
    except ValidationFailed as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Admin created: {accounts.normalise_email(email)}")


@click.command("retention")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Only list what would be anonymised or deleted.")
def retention_command(dry_run: bool) -> None:
    """Apply retention now (the worker does it hourly); --dry-run lists what it would do."""
    moment, conversations = now(), get_conversations()
    if not dry_run:
        with get_db().transaction() as session:
            report = apply_retention(session, now=moment, conversations=conversations)
        click.echo(
            f"anonymised {report.bookings_anonymised} booking(s), "
            f"deleted {report.conversations_deleted} conversation(s)"
        )
        return
    with get_db().transaction() as session:
        due = due_for_retention(session, now=moment)
    click.echo(f"Bookings to anonymise: {len(due)}")
    for item in due:
        conversation = f" conversation {item.conversation_id}" if item.conversation_id else ""
        click.echo(
            f"  {item.reference} {item.service} ended {item.ended_at:%Y-%m-%d}{conversation}"
        )
    if conversations is None:
        click.echo("Conversations: TRACKER_STORE_URL is not set; none are reached.")
        return
    expired = conversations.expired(now=moment)
    click.echo(f"Conversations to delete (older than their retention): {len(expired)}")
    for old in expired:
        click.echo(f"  {old.sender_id} last message {old.last_event_at:%Y-%m-%d}")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(trainer_command)
    app.cli.add_command(retention_command)
    app.cli.add_command(admin_key_cli)
    app.cli.add_command(assistant_cli)
