"""Who is logged in, and the guards staff views use.

`web.auth.routes` loads the staff member from the session cookie before each request; these
read what it found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g, redirect, request, url_for

from booking.bookings import StaffPrincipal
from booking.models import Role

F = TypeVar("F", bound=Callable[..., Any])


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


def _to_login() -> Any:
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return _to_login()
        return view(*args, **kwargs)

    return cast(F, wrapped)


def role_required(*roles: str) -> Callable[[F], F]:
    """Logged in with one of `roles`; anyone else logged in gets 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return _to_login()
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def home_for(user: CurrentUser) -> str:
    if user.is_admin:
        return url_for("admin.index")
    return url_for("caseworker.today")
