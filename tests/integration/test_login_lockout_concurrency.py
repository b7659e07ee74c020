"""The login lockout is counted in the database, so it holds when failures arrive at once.

Each thread stands for a worker process (or host) with its own connection and transaction, as
the login view opens it; on SQLite and on PostgreSQL. The gunicorn test in
tests/integration/test_shared_limits.py shows the same through two real worker processes.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from booking.db import Database
from booking.models import User
from booking.staff import accounts
from tests.support.clock import NOW
from tests.support.staff import CASEWORKER_EMAIL, PASSWORD, make_user, seed


def fail_together(db: Database, times: int) -> list[accounts.LoginResult]:
    barrier = threading.Barrier(times)

    def attempt(_: int) -> accounts.LoginResult:
        barrier.wait(timeout=30)
        with db.transaction(immediate=True) as session:
            return accounts.authenticate(session, CASEWORKER_EMAIL, "wrong password!", now=NOW)

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(attempt, range(times)))


def stored(db: Database, user_id: int) -> User:
    with db.transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        return user


def test_failed_logins_at_the_same_moment_are_each_counted(db: Database) -> None:
    seed(db)
    user_id = make_user(db)
    results = fail_together(db, accounts.MAX_FAILED_LOGINS - 1)
    assert all(r.user is None and not r.locked_now for r in results)
    user = stored(db, user_id)
    assert user.failed_login_count == accounts.MAX_FAILED_LOGINS - 1
    assert user.locked_until is None


def test_five_failures_at_once_lock_the_account_exactly_once(db: Database) -> None:
    seed(db)
    user_id = make_user(db)
    results = fail_together(db, accounts.MAX_FAILED_LOGINS)
    assert sum(r.locked_now for r in results) == 1
    assert stored(db, user_id).locked_until == NOW + accounts.LOCKOUT
    with db.transaction() as session:
        # the right password is refused while locked, and that attempt does not extend the lock
        assert accounts.authenticate(session, CASEWORKER_EMAIL, PASSWORD, now=NOW).user is None
    assert stored(db, user_id).locked_until == NOW + accounts.LOCKOUT


def test_more_failures_than_the_limit_at_once_still_lock_only_once(db: Database) -> None:
    seed(db)
    user_id = make_user(db)
    results = fail_together(db, accounts.MAX_FAILED_LOGINS + 3)
    assert sum(r.locked_now for r in results) == 1
    user = stored(db, user_id)
    assert user.locked_until == NOW + accounts.LOCKOUT
    # a failure that was already past the lock check counts towards the next round only (on
    # PostgreSQL they run side by side; on SQLite they queue and meet the lock)
    assert user.failed_login_count <= 3
