"""Rate limits: where the counters live, what a request is counted by, and the 429 answer.

Flask-Limiter (with the `limits` package) enforces every limit; its counters must be shared by
every gunicorn worker, or N workers allow N times the limit. The storage, in this order:
`RATELIMIT_STORAGE_URI` when set; Redis at `REDIS_URL` (several hosts); otherwise the app's own
database (`web/ratelimit_storage.py`), which every worker on the host shares. When the storage
cannot be reached, each process falls back to counting in its own memory (logged) until it
answers again, so a Redis outage neither stops bookings nor lifts the limits.

A request is counted by its client address: `request.remote_addr`, which is the peer unless
`TRUSTED_PROXIES` says how many reverse proxies in front append to `X-Forwarded-For` (then
werkzeug's ProxyFix takes the address the nearest trusted proxy saw; a client cannot forge it).
Logins are counted by address and by account (the e-mail, hashed, so no address reaches Redis).
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, current_app, request
from flask_babel import ngettext
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

from booking.staff.accounts import normalise_email
from web.ratelimit_storage import storage_uri_for


def client_address() -> str:
    """The client's address, as the configured proxy handling (`TRUSTED_PROXIES`) sees it."""
    return request.remote_addr or "unknown"


def login_account() -> str:
    """The account a login is for, as a hash of the normalised e-mail (never the e-mail)."""
    email = normalise_email(request.form.get("email", "")[:320])
    return "account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


limiter = Limiter(
    key_func=client_address,
    default_limits=[],
    headers_enabled=True,  # X-RateLimit-* on limited routes, Retry-After on every 429
    in_memory_fallback_enabled=True,
)


def storage_uri(config: dict[str, object]) -> str:
    """Explicit `RATELIMIT_STORAGE_URI`, else Redis at `REDIS_URL`, else the app's database."""
    explicit = str(config.get("RATELIMIT_STORAGE_URI") or "")
    if explicit:
        return explicit
    redis_url = str(config.get("REDIS_URL") or "")
    if redis_url:
        return redis_url
    database_url = str(config["DATABASE_URL"])
    if database_url in ("sqlite://", "sqlite:///:memory:"):
        return "memory://"  # a private in-memory database is per process anyway (tests)
    return storage_uri_for(database_url)


def init_app(app: Flask) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    limiter.init_app(app)
    # The extension is one object for the process; a newly built app (tests build many) starts
    # by trusting its own storage, not by inheriting an earlier app's outage.
    limiter._storage_dead = False


def limit_of(config_key: str) -> str:
    """The limit named by a setting, read per request (tests and deployments change it)."""
    return str(current_app.config[config_key])


def retry_message() -> str:
    """The 429 message in the request's language, saying how long to wait."""
    seconds = retry_after_seconds()
    if seconds < 120:
        return ngettext(
            "Too many requests. Please wait %(num)s second and try again.",
            "Too many requests. Please wait %(num)s seconds and try again.",
            seconds,
        )
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many requests. Please wait %(num)s minute and try again.",
        "Too many requests. Please wait %(num)s minutes and try again.",
        minutes,
    )


def retry_after_seconds() -> int:
    """Seconds until the breached limit's window ends (at least 1); 60 if it is unknown."""
    current = limiter.current_limit
    if current is None:
        return 60
    try:
        window = current.limit.get_expiry()
        return min(window, max(1, math.ceil(current.reset_at - time.time())))
    except Exception:  # noqa: BLE001 - the storage failed meanwhile; the answer still goes out
        return 60
