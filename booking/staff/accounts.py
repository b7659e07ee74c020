"""Staff accounts: password hashing (argon2id), login with lockout, creating users, passwords.

Nothing here reads the clock: `now` is passed in. Login answers never say whether an e-mail
exists, is locked or is inactive: the caller shows one generic message for every failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from booking.errors import NotFound, ValidationFailed
from booking.i18n import N_
from booking.models import Caseworker, Role, Service, User

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# argon2id with the library's defaults (RFC 9106 low-memory profile).
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both answers take about as long.
_DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")


@dataclass(frozen=True)
class LoginResult:
    """The user on success; None with `locked_now` True when this failure caused a lockout."""

    user: User | None
    locked_now: bool = False


def hash_password(password: str) -> str:
    """An argon2id hash in PHC string format (salt and parameters included)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    """The normalised e-mail, or `ValidationFailed` when it does not look like one."""
    value = normalise_email(email)
    if not value or len(value) > 320 or not _EMAIL.match(value):
        raise ValidationFailed(N_("Enter a valid e-mail address."), field="email")
    return value


def check_password_policy(password: str, email: str) -> None:
    """At least 12 characters, at most 256, and not the e-mail or its local part."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            N_("The password must be at least %(length)s characters."),
            field="password",
            length=MIN_PASSWORD_LENGTH,
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            N_("The password must be at most %(length)s characters."),
            field="password",
            length=MAX_PASSWORD_LENGTH,
        )
    lowered = password.strip().lower()
    address = normalise_email(email)
    if lowered in (address, address.split("@", 1)[0]):
        raise ValidationFailed(
            N_("The password must not be your e-mail address."),
            field="password",
        )


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def authenticate(session: Session, email: str, password: str, *, now: datetime) -> LoginResult:
    """Check a login. Counts failures; the 5th in a row locks the account for 15 minutes.

    A locked or inactive account is refused even with the right password, and the failure is
    not counted again while locked (so an attacker cannot extend the lock forever).
    """
    user = find_user_by_email(session, email)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return LoginResult(None)
    if is_locked(user, now):
        verify_password(_DUMMY_HASH, password)
        return LoginResult(None)
    if not verify_password(user.password_hash, password) or not user.active:
        return LoginResult(None, locked_now=_count_failure(session, user.id, now))
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)


def _count_failure(session: Session, user_id: int, now: datetime) -> bool:
    """Count a failed login in the database; True when it is the one that locks the account.

    Both steps are single UPDATE statements on the row, not a read then a write: failures
    arriving at once in several worker processes (or hosts) each count, and exactly one of
    them locks the account.
    """
    failures = session.execute(
        update(User)
        .where(User.id == user_id)
        .values(failed_login_count=func.coalesce(User.failed_login_count, 0) + 1)
        .returning(User.failed_login_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    if failures < MAX_FAILED_LOGINS:
        return False
    locked = session.execute(
        update(User)
        .where(User.id == user_id, User.failed_login_count >= MAX_FAILED_LOGINS)
        .values(locked_until=now + LOCKOUT, failed_login_count=0)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    ).first()
    return locked is not None


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    now: datetime,
    caseworker_id: int | None = None,
) -> User:
    """Add a staff login. A caseworker user must be linked to a caseworker without a login."""
    address = check_email(email)
    if role not in {r.value for r in Role}:
        raise ValidationFailed(N_("Unknown role."), field="role")
    check_password_policy(password, address)
    if find_user_by_email(session, address) is not None:
        raise ValidationFailed(
            N_("A user with that e-mail exists."),
            field="email",
        )
    if role == Role.CASEWORKER.value:
        if caseworker_id is None or session.get(Caseworker, caseworker_id) is None:
            raise ValidationFailed(
                N_("Choose the caseworker for the user."),
                field="caseworker_id",
            )
        taken = session.scalar(select(User.id).where(User.caseworker_id == caseworker_id))
        if taken is not None:
            raise ValidationFailed(
                N_("The caseworker already has a login."),
                field="caseworker_id",
            )
    user = User(
        email=address,
        password_hash=hash_password(password),
        role=role,
        caseworker_id=caseworker_id if role == Role.CASEWORKER.value else None,
        active=True,
        failed_login_count=0,
        password_changed_at=now,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def change_password(
    user: User, *, current_password: str, new_password: str, confirm: str, now: datetime
) -> None:
    """The user's own change: needs the current password; the new one follows the policy."""
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed(
            N_("The current password is wrong."),
            field="current_password",
        )
    if new_password != confirm:
        raise ValidationFailed(
            N_("The two new passwords do not match."),
            field="confirm",
        )
    set_password(user, new_password, now=now)


def set_password(user: User, new_password: str, *, now: datetime) -> None:
    """Set a new password (own change or an admin's reset) and lift any lockout.

    `password_changed_at` moves, which the web layer uses to end the user's other sessions.
    """
    check_password_policy(new_password, user.email)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    user.failed_login_count = 0
    user.locked_until = None


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("The user does not exist."))
    return user


def create_caseworker(
    session: Session, *, name: str, email: str, title: str, service_ids: list[int]
) -> Caseworker:
    """Add a person who holds meetings, with the services they offer."""
    name, title = name.strip(), title.strip()
    if not name or len(name) > 200:
        raise ValidationFailed(N_("Enter a name (at most 200 characters)."), field="name")
    if len(title) > 200:
        raise ValidationFailed(N_("The title is too long."), field="title")
    address = check_email(email)
    exists = session.scalar(select(Caseworker.id).where(func.lower(Caseworker.email) == address))
    if exists is not None:
        raise ValidationFailed(
            N_("A caseworker with that e-mail exists."),
            field="email",
        )
    caseworker = Caseworker(name=name, email=address, title=title, active=True)
    caseworker.services = _services(session, service_ids)
    session.add(caseworker)
    session.flush()
    return caseworker


def set_services(session: Session, caseworker: Caseworker, service_ids: list[int]) -> None:
    caseworker.services = _services(session, service_ids)


def _services(session: Session, service_ids: list[int]) -> list[Service]:
    services = list(session.scalars(select(Service).where(Service.id.in_(service_ids))))
    if len(services) != len(set(service_ids)):
        raise ValidationFailed(N_("Unknown service."), field="services")
    return services
