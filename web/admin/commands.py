"""Commands for administrators: `flask --app web admin-key create <e-mail>` and `assistant …`.

`admin-key create` prints the new key as its last line of output, so a script can take it with
`tail -n 1`; the key is shown only this once.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from booking import assistant
from booking.errors import BookingError
from booking.privacy import record_event
from booking.staff import create_api_key_for_email
from web.assistant import ensure_imported
from web.extensions import get_db, now

admin_key_cli = AppGroup("admin-key", help="Administrators' keys for the admin API.")
assistant_cli = AppGroup("assistant", help="What the assistant knows (intents, FAQ answers).")


@admin_key_cli.command("create")
@click.argument("email")
@click.option("--name", default="CLI", help="A name that tells this key from the others.")
def create_key(email: str, name: str) -> None:
    """A new API key for the administrator with EMAIL, printed as the last line."""
    try:
        with get_db().transaction() as db:
            created = create_api_key_for_email(db, email, name=name, now=now())
            record_event(
                db,
                actor_type="system",
                actor_id="cli",
                action="admin_key.create",
                detail={"user_id": created.key.user_id, "key_id": created.key.id},
                now=now(),
            )
    except BookingError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"API key {created.key.prefix}… for {email.strip().lower()}; it is shown once:")
    click.echo(created.secret)


@assistant_cli.command("import")
def import_command() -> None:
    """Import the shipped bot/data into the database (only when it holds no content yet)."""
    with get_db().transaction() as db:
        imported = ensure_imported(db)
    click.echo(
        "The assistant's shipped content was imported."
        if imported
        else "The assistant's content is already in the database; nothing changed."
    )


@assistant_cli.command("export")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def export_command(target: Path) -> None:
    """Write the stored content as Rasa training data into TARGET (for `rasa train --data`)."""
    with get_db().transaction() as db:
        ensure_imported(db)
        assistant.write_training_data(db, target, Path(current_app.config["ASSISTANT_DATA_DIR"]))
    click.echo(f"Training data written to {target}")
