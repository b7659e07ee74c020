"""Limits hold across worker processes: the REAL gunicorn with two workers, on an SQLite file.

Requests go to the two workers in turn (`Gunicorn.alternating`: the other worker is kept busy
by a half-sent request); gunicorn's access log names the worker pid of every answer, and each
test shows that both workers answered. With the counters in each worker's memory
(the control test) the same traffic gets through twice as often; with the app's database or
Redis as the storage, the (N+1)th request is a 429 whichever worker it reaches. The login
lockout and the one-time code's wrong tries are counted in the database and hold the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from booking.bookings import tokens
from booking.db import Database
from booking.models import Booking, OneTimeCode, User
from tests.support.gunicorn import SERVICE_TOKEN, Gunicorn, running_gunicorn
from tests.support.redis import running_redis
from tests.support.staff import CASEWORKER_EMAIL, PASSWORD, make_booking, make_user, seed

pytestmark = pytest.mark.slow

LOGIN_LIMIT = 6
GENEROUS = "1000/minute"
DANISH_429 = re.compile(r"For mange forsøg\. Vent \d+ \w+, og prøv igen\.")
ENGLISH_429 = re.compile(r"Too many requests\. Please wait \d+ (second|seconds|minute|minutes)")


@pytest.fixture
def database(sqlite_url: str) -> Iterator[Database]:
    """A migrated SQLite file with the demo data and one caseworker login."""
    db = Database(sqlite_url)
    seed(db)
    make_user(db)
    yield db
    db.dispose()


@pytest.fixture(params=["database", "redis"])
def shared_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment for each shared storage: the app's database (default) or Redis."""
    if request.param == "database":
        yield {}
        return
    with running_redis(tmp_path) as redis_url:
        if redis_url is None:
            pytest.fail("redis-server is needed (Debian package redis-server)")
        yield {"REDIS_URL": redis_url}


def log_in(server: Gunicorn, email: str, password: str, language: str = "da") -> requests.Response:
    """The login form as a browser sends it: the page (for its CSRF token), then the post."""
    with requests.Session() as browser:
        browser.headers["Accept-Language"] = language
        page = browser.get(f"{server.base_url}/login", timeout=30)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        assert token, page.text
        form = {"csrf_token": token[1], "email": email, "password": password}
        return browser.post(f"{server.base_url}/login", data=form, timeout=30)


def assert_both_workers_answered(server: Gunicorn, method: str, path: str, total: int) -> None:
    by_pid = server.answered(method, path, expected=total)
    assert sum(by_pid.values()) == total, by_pid
    assert len(by_pid) == 2, f"every request went to one worker: {by_pid}"


def test_the_login_limit_is_not_doubled_by_two_workers(
    database: Database, shared_storage: dict[str, str], tmp_path: Path
) -> None:
    settings = {"RATELIMIT_LOGIN": f"{LOGIN_LIMIT}/minute", "RATELIMIT_LOGIN_ACCOUNT": GENEROUS}
    with running_gunicorn(tmp_path, database.url, **settings, **shared_storage) as server:
        answers = server.alternating(
            LOGIN_LIMIT, lambda i: log_in(server, f"nobody{i}@example.dk", "wrong password!")
        )
        assert [a.status_code for a in answers] == [401] * LOGIN_LIMIT
        assert_both_workers_answered(server, "POST", "/login", LOGIN_LIMIT)

        over = server.alternating(2, lambda i: log_in(server, f"more{i}@example.dk", "wrong!"))
        assert [a.status_code for a in over] == [429, 429]
        assert DANISH_429.search(over[0].text), over[0].text
        assert 0 < int(over[0].headers["Retry-After"]) <= 60
        english = log_in(server, "english@example.dk", "wrong!", language="en")
        assert english.status_code == 429
        assert ENGLISH_429.search(english.text)
        # the limited answers came from both workers too
        assert_both_workers_answered(server, "POST", "/login", LOGIN_LIMIT + 3)


def test_with_counters_in_each_workers_memory_the_same_traffic_gets_twice_through(
    database: Database, tmp_path: Path
) -> None:
    """The control: what the shared storage replaced, and that the test above would see it."""
    settings = {
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_LOGIN": f"{LOGIN_LIMIT}/minute",
        "RATELIMIT_LOGIN_ACCOUNT": GENEROUS,
    }
    with running_gunicorn(tmp_path, database.url, **settings) as server:
        answers = server.alternating(
            2 * LOGIN_LIMIT, lambda i: log_in(server, f"nobody{i}@example.dk", "wrong password!")
        )
        assert_both_workers_answered(server, "POST", "/login", 2 * LOGIN_LIMIT)
    assert [a.status_code for a in answers] == [401] * (2 * LOGIN_LIMIT)


def test_the_api_limit_is_shared_and_answers_the_json_error(
    database: Database, shared_storage: dict[str, str], tmp_path: Path
) -> None:
    limit = 4
    settings = {"RATELIMIT_LOOKUP": f"{limit}/hour"}
    body = {"reference": "K7M2-9QXD", "phone": "20304050"}
    with running_gunicorn(tmp_path, database.url, **settings, **shared_storage) as server:
        url = f"{server.base_url}/api/v1/bookings/lookup"
        answers = server.alternating(limit + 2, lambda _: requests.post(url, json=body, timeout=30))
        assert_both_workers_answered(server, "POST", "/api/v1/bookings/lookup", limit + 2)
        trusted = requests.post(
            url, json=body, headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}, timeout=30
        )
    assert [a.status_code for a in answers] == [202] * limit + [429, 429]
    error = answers[-1].json()["error"]
    assert error["code"] == "too_many_requests"
    assert DANISH_429.fullmatch(error["message"]), error
    assert 60 < int(answers[-1].headers["Retry-After"]) <= 3600
    assert trusted.status_code == 202  # the action server's token stays exempt


def test_the_login_lockout_holds_across_workers(database: Database, tmp_path: Path) -> None:
    settings = {"RATELIMIT_LOGIN": GENEROUS, "RATELIMIT_LOGIN_ACCOUNT": GENEROUS}
    with running_gunicorn(tmp_path, database.url, **settings) as server:
        wrong = server.alternating(6, lambda _: log_in(server, CASEWORKER_EMAIL, "wrong password!"))
        assert [a.status_code for a in wrong] == [401] * 6
        assert_both_workers_answered(server, "POST", "/login", 6)
        right = log_in(server, CASEWORKER_EMAIL, PASSWORD)
    assert right.status_code == 401  # locked after five failures, whichever worker counted them
    with database.transaction() as session:
        user = session.scalar(select(User).where(User.email == CASEWORKER_EMAIL))
        assert user is not None and user.locked_until is not None


def test_the_codes_wrong_tries_hold_across_workers(database: Database, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    reference = make_booking(database, start=now + timedelta(days=2))
    code = "123456"
    with database.transaction() as session:
        booking = session.scalar(select(Booking).where(Booking.reference == reference))
        assert booking is not None
        session.add(
            OneTimeCode(
                booking_id=booking.id,
                code_hash=tokens.hash_one_time_code(reference, code),
                created_at=now,
                expires_at=now + timedelta(minutes=10),
                failed_attempts=0,
            )
        )
    with running_gunicorn(tmp_path, database.url, RATELIMIT_LOOKUP=GENEROUS) as server:
        url = f"{server.base_url}/api/v1/bookings/lookup/confirm"

        def confirm(attempt: str) -> requests.Response:
            return requests.post(url, json={"reference": reference, "code": attempt}, timeout=30)

        wrong = server.alternating(5, lambda i: confirm(f"00000{i}"))
        assert [a.status_code for a in wrong] == [403] * 5
        assert_both_workers_answered(server, "POST", "/api/v1/bookings/lookup/confirm", 5)
        right = confirm(code)
    assert right.status_code == 403
    assert right.json()["error"]["code"] == "code_rejected"
