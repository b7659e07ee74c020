"""The admin workspace under /admin: caseworkers, their services, and staff logins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.wrappers import Response

from booking.errors import NotFound, ValidationFailed
from booking.models import Caseworker, Role, Service, User
from booking.privacy import record_event
from booking.staff import accounts
from web.auth import current_user, role_required
from web.extensions import get_db, now

blueprint = Blueprint("admin", __name__)
admin_only = role_required(Role.ADMIN.value)


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint, url_prefix="/admin")


def _page(*, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    with get_db().transaction() as db:
        caseworkers = db.scalars(
            select(Caseworker).options(selectinload(Caseworker.services)).order_by(Caseworker.name)
        ).all()
        users = db.scalars(select(User).order_by(User.role, User.email)).all()
        services = db.scalars(select(Service).order_by(Service.name_da)).all()
    logins = {u.caseworker_id: u for u in users if u.caseworker_id is not None}
    page = render_template(
        "admin/index.html",
        caseworkers=caseworkers,
        users=users,
        services=services,
        logins=logins,
        caseworker_names={c.id: c.name for c in caseworkers},
        errors=errors or {},
        form=request.form if errors else {},
        now=now(),
        me=current_user(),
    )
    return page, status


def _audit(db: Session, action: str, **detail: Any) -> None:
    user = current_user()
    assert user is not None
    record_event(db, actor_type="user", actor_id=user.id, action=action, detail=detail, now=now())


def _service_ids() -> list[int]:
    try:
        return [int(v) for v in request.form.getlist("services")]
    except ValueError:
        raise ValidationFailed("Ukendt ydelse. / Unknown service.", field="services") from None


def _failed(exc: ValidationFailed, prefix: str) -> Any:
    return _page(errors={f"{prefix}{exc.field or 'form'}": exc.message}, status=422)


@blueprint.get("/")
@admin_only
def index() -> Any:
    return _page()


@blueprint.post("/caseworkers")
@admin_only
def create_caseworker() -> Any:
    """A new caseworker, and their login when a password is given."""
    form = request.form
    try:
        with get_db().transaction() as db:
            caseworker = accounts.create_caseworker(
                db,
                name=form.get("name", ""),
                email=form.get("email", ""),
                title=form.get("title", ""),
                service_ids=_service_ids(),
            )
            if form.get("password"):
                user = accounts.create_user(
                    db,
                    email=form.get("email", ""),
                    password=form.get("password", ""),
                    role=Role.CASEWORKER.value,
                    caseworker_id=caseworker.id,
                    now=now(),
                )
                _audit(db, "user.create", user_id=user.id)
            _audit(db, "caseworker.create", caseworker_id=caseworker.id)
    except ValidationFailed as exc:
        return _failed(exc, "cw_")
    flash("Medarbejderen er oprettet. / The caseworker was created.", "success")
    return redirect(url_for("admin.index"))


@blueprint.post("/caseworkers/<int:caseworker_id>/services")
@admin_only
def caseworker_services(caseworker_id: int) -> Any:
    try:
        with get_db().transaction() as db:
            caseworker = db.get(Caseworker, caseworker_id) or abort(404)
            accounts.set_services(db, caseworker, _service_ids())
            _audit(db, "caseworker.services", caseworker_id=caseworker_id)
    except ValidationFailed as exc:
        return _failed(exc, "cw_")
    flash("Ydelserne er gemt. / The services were saved.", "success")
    return redirect(url_for("admin.index"))


@blueprint.post("/caseworkers/<int:caseworker_id>/active")
@admin_only
def caseworker_active(caseworker_id: int) -> Response:
    active = request.form.get("active") == "1"
    with get_db().transaction() as db:
        caseworker = db.get(Caseworker, caseworker_id) or abort(404)
        caseworker.active = active
        _audit(db, "caseworker.activate" if active else "caseworker.deactivate", id=caseworker_id)
    flash("Gemt. / Saved.", "success")
    return redirect(url_for("admin.index"))


@blueprint.post("/users")
@admin_only
def create_user() -> Any:
    form = request.form
    caseworker_raw = form.get("caseworker_id", "")
    try:
        with get_db().transaction() as db:
            user = accounts.create_user(
                db,
                email=form.get("email", ""),
                password=form.get("password", ""),
                role=form.get("role", ""),
                caseworker_id=int(caseworker_raw) if caseworker_raw.isdigit() else None,
                now=now(),
            )
            _audit(db, "user.create", user_id=user.id)
    except ValidationFailed as exc:
        return _failed(exc, "user_")
    flash("Brugeren er oprettet. / The user was created.", "success")
    return redirect(url_for("admin.index"))


@blueprint.post("/users/<int:user_id>/active")
@admin_only
def user_active(user_id: int) -> Any:
    active = request.form.get("active") == "1"
    me = current_user()
    if me is not None and me.id == user_id and not active:
        return _page(
            errors={"users": "Du kan ikke deaktivere dig selv. / You cannot deactivate yourself."},
            status=422,
        )
    try:
        with get_db().transaction() as db:
            user = accounts.get_user(db, user_id)
            user.active = active
            _audit(db, "user.activate" if active else "user.deactivate", user_id=user_id)
    except NotFound:
        abort(404)
    flash("Gemt. / Saved.", "success")
    return redirect(url_for("admin.index"))


@blueprint.post("/users/<int:user_id>/password")
@admin_only
def reset_password(user_id: int) -> Any:
    """Set a new password for someone who forgot theirs; it also lifts a lockout."""
    try:
        with get_db().transaction() as db:
            user = accounts.get_user(db, user_id)
            accounts.set_password(user, request.form.get("password", ""), now=now())
            _audit(db, "user.password_reset", user_id=user_id)
    except NotFound:
        abort(404)
    except ValidationFailed as exc:
        return _page(errors={f"reset{user_id}": exc.message}, status=422)
    flash("Adgangskoden er nulstillet. / The password was reset.", "success")
    return redirect(url_for("admin.index"))
