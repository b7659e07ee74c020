"""What the staff workspaces (caseworker, admin) share: the audit helper and the form post.

Both read the logged-in staff member from the session (`web.auth.guards.current_user`), so a
view never passes the actor around.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, redirect
from sqlalchemy.orm import Session

from booking.errors import BookingError, NotAllowed, NotFound
from booking.models import Booking
from booking.privacy import record_event
from web.auth.guards import current_user
from web.extensions import now


def audit(db: Session, action: str, *, booking: Booking | None = None, **detail: Any) -> None:
    """Record that the logged-in staff member saw or changed something, in `db`'s transaction."""
    user = current_user()
    assert user is not None, "audit() is for views behind a staff login"
    record_event(
        db,
        actor_type="user",
        actor_id=user.id,
        action=action,
        booking_id=booking.id if booking is not None else None,
        detail=detail,
        now=now(),
    )


def form_post(
    done: Any, *, then: Callable[..., str], refused: Callable[..., Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A staff form post: the view makes one change; this says how it went.

    The view returns None when the change is made: `done` is flashed and the browser is sent to
    `then(**view_args)`. A refused change (a domain error) is shown by `refused(exc,
    **view_args)`, usually the form again with the message (without `refused` the error goes
    on to the app's error handler); a missing or someone else's record is a 404, so records
    cannot be probed. A view may return its own response instead, such as its form with errors.
    """

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(**view_args: Any) -> Any:
            try:
                response = view(**view_args)
            except (NotFound, NotAllowed):
                abort(404)
            except BookingError as exc:
                if refused is None:
                    raise
                return refused(exc, **view_args)
            if response is not None:
                return response
            flash(str(done), "success")
            return redirect(then(**view_args))

        return wrapped

    return decorator
