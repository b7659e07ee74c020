"""What the rate limits count by and how they answer (web/ratelimits.py), in one process.

The counters are in the app's database here (the default without Redis); that they hold across
worker processes is shown under gunicorn in tests/integration/test_shared_limits.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from twilio.request_validator import RequestValidator

from tests.support.api import error, prepare
from tests.support.app import database_of
from tests.support.ports import free_port
from tests.support.staff import CASEWORKER_EMAIL, csrf_token, make_user, seed
from web.ratelimit_storage import storage_uri_for
from web.ratelimits import storage_uri

SID = "AC" + "b" * 32
TOKEN = "limit-test-auth-token"
BASE = "https://booking.eksempel.dk"


@pytest.fixture
def limited(build_app: Callable[..., Flask], sqlite_url: str) -> Callable[..., Flask]:
    def build(**settings: Any) -> Flask:
        return build_app(sqlite_url, RATELIMIT_ENABLED=True, **settings)

    return build


def test_the_storage_is_the_setting_else_redis_else_the_apps_database() -> None:
    database = "sqlite:////srv/booking.db"
    assert storage_uri({"DATABASE_URL": database}) == storage_uri_for(database)
    assert storage_uri_for(database) == "database+sqlite:////srv/booking.db"
    redis = "redis://127.0.0.1:6379/1"
    assert storage_uri({"DATABASE_URL": database, "REDIS_URL": redis}) == redis
    explicit = {"DATABASE_URL": database, "REDIS_URL": redis, "RATELIMIT_STORAGE_URI": "memory://"}
    assert storage_uri(explicit) == "memory://"
    # a private in-memory database cannot be shared with anything anyway
    assert storage_uri({"DATABASE_URL": "sqlite://"}) == "memory://"


def test_a_limited_api_answer_is_english_when_asked_and_says_when_to_retry(
    limited: Callable[..., Flask],
) -> None:
    app = limited(RATELIMIT_PUBLIC="1/minute")
    prepare(app)
    client = app.test_client()
    first = client.get("/api/v1/services")
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Limit"] == "1"
    response = client.get("/api/v1/services", headers={"Accept-Language": "en"})
    body = error(response, 429, language="en")
    assert body == {
        "code": "too_many_requests",
        "message": body["message"],
    }
    assert body["message"].startswith("Too many requests. Please wait ")
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_the_client_address_comes_from_the_trusted_proxy_only(
    limited: Callable[..., Flask],
) -> None:
    behind_proxy = limited(RATELIMIT_PUBLIC="2/minute", TRUSTED_PROXIES=1)
    prepare(behind_proxy)
    client = behind_proxy.test_client()

    def get(forwarded_for: str) -> int:
        headers = {"X-Forwarded-For": forwarded_for}
        return client.get("/api/v1/services", headers=headers).status_code

    assert [get("198.51.100.7") for _ in range(3)] == [200, 200, 429]
    assert get("198.51.100.8") == 200  # another citizen behind the same proxy
    # what the client wrote before the proxy's own entry does not make it someone else
    assert get("203.0.113.1, 198.51.100.7") == 429


def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(
    limited: Callable[..., Flask],
) -> None:
    app = limited(RATELIMIT_PUBLIC="2/minute")
    prepare(app)
    client = app.test_client()
    statuses = [
        client.get("/api/v1/services", headers={"X-Forwarded-For": f"192.0.2.{i}"}).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_logins_for_one_account_are_limited_from_any_address(
    limited: Callable[..., Flask],
) -> None:
    app = limited(RATELIMIT_LOGIN="100/minute", RATELIMIT_LOGIN_ACCOUNT="3/hour")
    seed(database_of(app))
    client = app.test_client()
    token = csrf_token(client)

    def login(email: str, address: str) -> Any:
        form = {"email": email, "password": "wrong password!", "csrf_token": token}
        return client.post("/login", data=form, environ_base={"REMOTE_ADDR": address})

    statuses = [login(CASEWORKER_EMAIL, f"10.0.0.{i}").status_code for i in range(3)]
    assert statuses == [401, 401, 401]
    limited_page = login(" Mette.Jensen@Example.dk ", "10.0.0.9")  # the same account, spelt so
    assert limited_page.status_code == 429
    assert "For mange forsøg. Vent" in limited_page.get_data(as_text=True)
    assert int(limited_page.headers["Retry-After"]) > 60
    assert login("someone.else@example.dk", "10.0.0.9").status_code == 401


def test_the_login_limit_counts_per_address(limited: Callable[..., Flask]) -> None:
    app = limited(RATELIMIT_LOGIN="2/minute", RATELIMIT_LOGIN_ACCOUNT="100/hour")
    database = database_of(app)
    seed(database)
    make_user(database)
    client = app.test_client()
    token = csrf_token(client)

    def login(number: int, address: str = "10.0.0.1") -> int:
        form = {"email": f"user{number}@example.dk", "password": "x", "csrf_token": token}
        return client.post("/login", data=form, environ_base={"REMOTE_ADDR": address}).status_code

    assert [login(i) for i in range(3)] == [401, 401, 429]
    assert login(4, "10.0.0.2") == 401
    assert client.get("/login").status_code == 200  # only attempts are counted, not the page


def signed(path: str, form: dict[str, str]) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(BASE + path, form)}


def test_only_refused_webhooks_count_and_twilio_itself_is_never_throttled(
    limited: Callable[..., Flask],
) -> None:
    app = limited(
        RATELIMIT_WEBHOOKS="2/minute",
        TWILIO_ACCOUNT_SID=SID,
        TWILIO_AUTH_TOKEN=TOKEN,
        PUBLIC_BASE_URL=BASE,
    )
    client = app.test_client()
    path = "/webhooks/twilio/inbound"
    form = {"AccountSid": SID, "From": "+4512345678", "Body": "hej"}
    twilio = {"REMOTE_ADDR": "54.172.60.1"}
    for _ in range(5):
        assert (
            client.post(
                path, data=form, headers=signed(path, form), environ_base=twilio
            ).status_code
            == 200
        )

    forger = {"REMOTE_ADDR": "203.0.113.66"}
    forged = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    statuses = [
        client.post(path, data=form, headers=forged, environ_base=forger).status_code
        for _ in range(3)
    ]
    assert statuses == [403, 403, 429]
    # once over the limit, that address is refused even with a good signature
    good_from_forger = client.post(path, data=form, headers=signed(path, form), environ_base=forger)
    assert good_from_forger.status_code == 429
    assert "Retry-After" in good_from_forger.headers
    assert (
        client.post(path, data=form, headers=signed(path, form), environ_base=twilio).status_code
        == 200
    )


def test_when_redis_is_down_each_process_limits_in_memory_instead_of_failing(
    limited: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    app = limited(RATELIMIT_PUBLIC="2/minute", REDIS_URL=f"redis://127.0.0.1:{free_port()}/1")
    prepare(app)
    client = app.test_client()
    statuses = [client.get("/api/v1/services").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert "falling back to in-memory storage" in caplog.text


def test_the_openapi_document_declares_retry_after_on_every_429(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    limited = [
        answers["429"]
        for operations in document["paths"].values()
        for operation in operations.values()
        for status, answers in [("429", operation["responses"])]
        if status in answers
    ]
    assert len(limited) >= 9
    assert all(
        answer["headers"]["Retry-After"]["schema"]["type"] == "integer" for answer in limited
    )
