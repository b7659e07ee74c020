"""The administrator's own API keys for the admin API: list, create (shown once), revoke."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import lazy_gettext

from booking.errors import BookingError
from booking.staff import api_keys_of, create_api_key, get_user, revoke_api_key
from web.admin import blueprint
from web.admin.routes import admin_only
from web.auth.guards import current_user
from web.extensions import get_db, now
from web.i18n import error_text
from web.staff import audit, form_post


def _page(
    *, new_key: str | None = None, errors: dict[str, str] | None = None, status: int = 200
) -> Any:
    me = current_user()
    assert me is not None
    with get_db().transaction() as db:
        keys = api_keys_of(db, get_user(db, me.id))
        page = render_template(
            "admin/api_keys.html", keys=keys, new_key=new_key, errors=errors or {}
        )
    return page, status


@blueprint.get("/api-keys")
@admin_only
def api_keys() -> Any:
    return _page()


@blueprint.post("/api-keys")
@admin_only
@form_post(
    lazy_gettext("The key was created."),
    then=lambda: url_for("admin.api_keys"),
    refused=lambda exc: _page(errors={"key_name": error_text(exc)}, status=422),
)
def create_key() -> Any:
    """A new key, shown on this answer only (never stored in clear, never in a cookie)."""
    me = current_user()
    assert me is not None
    with get_db().transaction() as db:
        created = create_api_key(
            db, get_user(db, me.id), name=request.form.get("name", ""), now=now()
        )
        audit(db, "admin_key.create", key_id=created.key.id)
    return _page(new_key=created.secret, status=201)


def _refused(exc: BookingError, key_id: int) -> Any:
    return _page(errors={"keys": error_text(exc)}, status=422)


@blueprint.post("/api-keys/<int:key_id>/revoke")
@admin_only
@form_post(
    lazy_gettext("The key was revoked; it no longer works."),
    then=lambda key_id: url_for("admin.api_keys"),
    refused=_refused,
)
def revoke_key(key_id: int) -> None:
    me = current_user()
    assert me is not None
    with get_db().transaction() as db:
        revoke_api_key(db, get_user(db, me.id), key_id, now=now())
        audit(db, "admin_key.revoke", key_id=key_id)
