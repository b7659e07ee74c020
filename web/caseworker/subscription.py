"""The caseworker's secret calendar feed URL: create (rotate), show once, revoke."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from booking.meetings import revoke_feed_token, rotate_feed_token
from booking.privacy import record_event
from web.caseworker.common import blueprint, caseworker_required, me, my_caseworker
from web.extensions import get_db, now


def _feed_url(token: str) -> str:
    return url_for("meeting.caseworker_calendar", token=token, _external=True)


@blueprint.get("/subscription")
@caseworker_required
def subscription(feed_url: str | None = None, status: int = 200) -> Any:
    with get_db().transaction() as db:
        active = my_caseworker(db).calendar_feed_token_hash is not None
    page = render_template("caseworker/subscription.html", active=active, feed_url=feed_url)
    return page, status


@blueprint.post("/subscription/rotate")
@caseworker_required
def rotate_subscription() -> Any:
    """A new secret URL; the old one stops working. Shown on this response only, never stored."""
    with get_db().transaction() as db:
        token = rotate_feed_token(db, my_caseworker(db))
        _audit(db, "calendar_feed.rotate")
    return subscription(feed_url=_feed_url(token))


@blueprint.post("/subscription/revoke")
@caseworker_required
def revoke_subscription() -> Response:
    with get_db().transaction() as db:
        revoke_feed_token(db, my_caseworker(db))
        _audit(db, "calendar_feed.revoke")
    flash(
        "Kalenderabonnementet er slået fra. / The calendar subscription is turned off.", "success"
    )
    return redirect(url_for("caseworker.subscription"))


def _audit(db: Any, action: str) -> None:
    record_event(db, actor_type="user", actor_id=me().id, action=action, now=now())
