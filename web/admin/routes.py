"""The admin workspace's page and form posts: caseworkers, their services, staff logins.

Each post makes one change through `booking.staff` and records it in the audit log in the
same transaction; `web.staff.form_post` flashes the outcome and goes back to the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from booking.errors import BookingError, ValidationFailed
from booking.i18n import N_
from booking.models import Caseworker, Role, Service, User
from booking.staff import accounts
from web.admin import blueprint
from web.auth.guards import current_user, role_required
from web.extensions import get_db, now
from web.i18n import error_text
from web.staff import audit, form_post

admin_only = role_required(Role.ADMIN.value)


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


def _back(**_: Any) -> str:
    return url_for("admin.index")


def _refused_in(form: str) -> Callable[..., Any]:
    """The page again, the message beside the field of the form whose fields start with `form`."""

    def refused(exc: BookingError, **_: Any) -> Any:
        return _page(errors={f"{form}{exc.field or 'form'}": error_text(exc)}, status=422)

    return refused


def _service_ids() -> list[int]:
    try:
        return [int(v) for v in request.form.getlist("services")]
    except ValueError:
        raise ValidationFailed(N_("Unknown service."), field="services") from None


@blueprint.get("/")
@admin_only
def index() -> Any:
    return _page()


@blueprint.post("/caseworkers")
@admin_only
@form_post(
    lazy_gettext("The caseworker was created."),
    then=_back,
    refused=_refused_in("cw_"),
)
def create_caseworker() -> None:
    """A new caseworker, and their login when a password is given."""
    form = request.form
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
            audit(db, "user.create", user_id=user.id)
        audit(db, "caseworker.create", caseworker_id=caseworker.id)


@blueprint.post("/caseworkers/<int:caseworker_id>/services")
@admin_only
@form_post(lazy_gettext("The services were saved."), then=_back, refused=_refused_in("cw_"))
def caseworker_services(caseworker_id: int) -> None:
    with get_db().transaction() as db:
        caseworker = db.get(Caseworker, caseworker_id) or abort(404)
        accounts.set_services(db, caseworker, _service_ids())
        audit(db, "caseworker.services", caseworker_id=caseworker_id)


@blueprint.post("/caseworkers/<int:caseworker_id>/active")
@admin_only
@form_post(lazy_gettext("Saved."), then=_back, refused=_refused_in("cw_"))
def caseworker_active(caseworker_id: int) -> None:
    active = request.form.get("active") == "1"
    with get_db().transaction() as db:
        caseworker = db.get(Caseworker, caseworker_id) or abort(404)
        caseworker.active = active
        audit(db, "caseworker.activate" if active else "caseworker.deactivate", id=caseworker_id)


@blueprint.post("/users")
@admin_only
@form_post(lazy_gettext("The user was created."), then=_back, refused=_refused_in("user_"))
def create_user() -> None:
    form = request.form
    caseworker_raw = form.get("caseworker_id", "")
    with get_db().transaction() as db:
        user = accounts.create_user(
            db,
            email=form.get("email", ""),
            password=form.get("password", ""),
            role=form.get("role", ""),
            caseworker_id=int(caseworker_raw) if caseworker_raw.isdigit() else None,
            now=now(),
        )
        audit(db, "user.create", user_id=user.id)


@blueprint.post("/users/<int:user_id>/active")
@admin_only
@form_post(lazy_gettext("Saved."), then=_back, refused=_refused_in("user_"))
def user_active(user_id: int) -> Any:
    active = request.form.get("active") == "1"
    me = current_user()
    if me is not None and me.id == user_id and not active:
        return _page(
            errors={"users": gettext("You cannot deactivate yourself.")},
            status=422,
        )
    with get_db().transaction() as db:
        user = accounts.get_user(db, user_id)
        user.active = active
        audit(db, "user.activate" if active else "user.deactivate", user_id=user_id)
    return None


def _reset_refused(exc: BookingError, user_id: int) -> Any:
    return _page(errors={f"reset{user_id}": error_text(exc)}, status=422)


@blueprint.post("/users/<int:user_id>/password")
@admin_only
@form_post(lazy_gettext("The password was reset."), then=_back, refused=_reset_refused)
def reset_password(user_id: int) -> None:
    """Set a new password for someone who forgot theirs; it also lifts a lockout."""
    with get_db().transaction() as db:
        user = accounts.get_user(db, user_id)
        accounts.set_password(user, request.form.get("password", ""), now=now())
        audit(db, "user.password_reset", user_id=user_id)
