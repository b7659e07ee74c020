"""Staff login: log in and out, idle timeout, password change, and the guards views use.

The session cookie holds only the user id, the time the password was last changed (so a
password change or reset ends every other session) and the time of the last request (idle
timeout). Everything else is read from the database on each request.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

import click
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.cli import with_appcontext
from werkzeug.wrappers import Response

from booking.bookings import StaffPrincipal
from booking.errors import ValidationFailed
from booking.models import Role, User
from booking.privacy import record_event
from booking.staff import accounts
from web.extensions import get_db, limiter, now

blueprint = Blueprint("auth", __name__)

F = TypeVar("F", bound=Callable[..., Any])

LOGIN_FAILED = (
    "Forkert e-mail eller adgangskode, eller kontoen er midlertidigt låst. / "
    "Wrong e-mail or password, or the account is temporarily locked."
)


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in staff member, detached from any database session."""

    id: int
    email: str
    role: str
    caseworker_id: int | None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value


def current_user() -> CurrentUser | None:
    return cast(CurrentUser | None, g.get("user"))


def current_principal() -> StaffPrincipal | None:
    """The staff member behind this request's session cookie, as the booking services want it."""
    user = current_user()
    if user is None:
        return None
    return StaffPrincipal(user_id=user.id, caseworker_id=user.caseworker_id, role=user.role)


def login_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return cast(F, wrapped)


def role_required(*roles: str) -> Callable[[F], F]:
    """Logged in with one of `roles`; anyone else logged in gets 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def _load_user() -> None:
    g.user = None
    user_id = session.get("uid")
    if user_id is None or request.endpoint == "static":
        return
    moment = now()
    idle = timedelta(minutes=current_app.config.get("SESSION_IDLE_MINUTES", 30))
    seen = session.get("seen", 0)
    with get_db().transaction() as db:
        user = db.get(User, user_id)
        valid = (
            user is not None
            and user.active
            and session.get("pwc") == user.password_changed_at.timestamp()
        )
        if not valid or moment.timestamp() - seen > idle.total_seconds():
            session.clear()
            if valid:
                flash(
                    "Du er logget ud, fordi du var inaktiv. / "
                    "You were logged out after a period of inactivity.",
                    "info",
                )
            return
        assert user is not None
        g.user = CurrentUser(user.id, user.email, user.role, user.caseworker_id)
    session["seen"] = int(moment.timestamp())


def _safe_next(target: str | None) -> str | None:
    """Only a local path: never redirect a fresh login to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user: CurrentUser) -> str:
    if user.is_admin:
        return url_for("admin.index")
    return url_for("caseworker.today")


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: str(current_app.config.get("RATELIMIT_LOGIN", "10/minute")), methods=["POST"]
)
def login() -> Any:
    user = current_user()
    if user is not None and request.method == "GET":
        return redirect(home_for(user))
    error = None
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "")[:320]
        password = request.form.get("password", "")[: accounts.MAX_PASSWORD_LENGTH + 1]
        with get_db().transaction() as db:
            result = accounts.authenticate(db, email, password, now=now())
            found = result.user
            if found is not None:
                logged_in = CurrentUser(found.id, found.email, found.role, found.caseworker_id)
                changed_at = found.password_changed_at.timestamp()
        if found is not None:
            session.clear()
            session["uid"] = logged_in.id
            session["pwc"] = changed_at
            session["seen"] = int(now().timestamp())
            session.permanent = False
            target = _safe_next(request.args.get("next")) or home_for(logged_in)
            return redirect(target)
        error = LOGIN_FAILED
    status = 401 if error else 200
    return render_template("auth/login.html", error=error, email=email), status


@blueprint.post("/logout")
def logout() -> Response:
    session.clear()
    flash("Du er logget ud. / You are logged out.", "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    user = current_user()
    assert user is not None
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            with get_db().transaction() as db:
                row = accounts.get_user(db, user.id)
                accounts.change_password(
                    row,
                    current_password=request.form.get("current_password", ""),
                    new_password=request.form.get("new_password", ""),
                    confirm=request.form.get("confirm", ""),
                    now=now(),
                )
                changed_at = row.password_changed_at.timestamp()
        except ValidationFailed as exc:
            field = "new_password" if exc.field == "password" else (exc.field or "new_password")
            errors[field] = exc.message
        else:
            session["pwc"] = changed_at
            flash("Din adgangskode er ændret. / Your password has been changed.", "success")
            return redirect(home_for(user))
    status = 422 if errors else 200
    return render_template("auth/password.html", errors=errors), status


def init_app(app: Flask) -> None:
    app.before_request(_load_user)
    app.cli.add_command(create_admin_command)
    app.register_blueprint(blueprint)

    @app.context_processor
    def _inject_user() -> dict[str, Any]:
        return {"current_user": current_user()}


@click.command("create-admin")
@with_appcontext
@click.option("--email", required=True, help="The admin's e-mail (their login).")
def create_admin_command(email: str) -> None:
    """Create an admin login; the password comes from ADMIN_PASSWORD or is prompted for."""
    password = os.environ.get("ADMIN_PASSWORD") or click.prompt(
        "Adgangskode / Password", hide_input=True, confirmation_prompt=True
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
    click.echo(f"Administrator oprettet / Admin created: {accounts.normalise_email(email)}")
