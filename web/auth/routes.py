"""Staff login: log in and out, idle timeout, password change.

The session cookie holds only the user id, the time the password was last changed (so a
password change or reset ends every other session) and the time of the last request (idle
timeout). Everything else is read from the database on each request.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from werkzeug.wrappers import Response

from booking.errors import ValidationFailed
from booking.models import User
from booking.staff import accounts
from web.auth import blueprint
from web.auth.guards import CurrentUser, current_user, home_for, login_required
from web.extensions import get_db, now
from web.i18n import error_text
from web.ratelimits import limit_of, limiter, login_account

LOGIN_FAILED = lazy_gettext("Wrong e-mail or password, or the account is temporarily locked.")


@blueprint.before_app_request
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
                    gettext("You were logged out after a period of inactivity."),
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


@blueprint.route("/login", methods=["GET", "POST"])
# By address, and by account (one account tried from many addresses); both shared by all workers.
@limiter.limit(lambda: limit_of("RATELIMIT_LOGIN"), methods=["POST"], scope="login")
@limiter.limit(
    lambda: limit_of("RATELIMIT_LOGIN_ACCOUNT"),
    key_func=login_account,
    methods=["POST"],
    scope="login_account",
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
        # IMMEDIATE: on SQLite a failure is counted under the write lock taken up front, so
        # workers failing at once queue instead of one failing to upgrade its read lock.
        with get_db().transaction(immediate=True) as db:
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
        error = str(LOGIN_FAILED)
    status = 401 if error else 200
    return render_template("auth/login.html", error=error, email=email), status


@blueprint.post("/logout")
def logout() -> Response:
    session.clear()
    flash(gettext("You are logged out."), "info")
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
            errors[field] = error_text(exc)
        else:
            session["pwc"] = changed_at
            flash(gettext("Your password has been changed."), "success")
            return redirect(home_for(user))
    status = 422 if errors else 200
    return render_template("auth/password.html", errors=errors), status


@blueprint.app_context_processor
def _inject_user() -> dict[str, Any]:
    return {"current_user": current_user()}
