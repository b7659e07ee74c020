"""All configuration, read from the environment in this one module (one class per environment).

The environment is read when a config object is built, never at import time, so tests and the
CLI can set variables first.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Production defaults. Everything secret must come from the environment."""

    ENV_NAME = "production"

    def __init__(self) -> None:
        self.TESTING = False
        self.SECRET_KEY = _env("SECRET_KEY")
        self.DATABASE_URL = _env(
            "DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'borgerbooking.db'}"
        )
        self.PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
        # Trusted callers (the Rasa action server) send `Authorization: Bearer <token>`.
        self.SERVICE_TOKENS = [t.strip() for t in _env("SERVICE_TOKENS").split(",") if t.strip()]

        # Rate limits, counted in storage every worker shares (web/ratelimits.py): empty
        # RATELIMIT_STORAGE_URI means Redis at REDIS_URL if set, else the app's database.
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI")
        self.REDIS_URL = _env("REDIS_URL")
        self.RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_PUBLIC = _env("RATELIMIT_PUBLIC", "120/minute")
        self.RATELIMIT_BOOKING_CREATE = _env("RATELIMIT_BOOKING_CREATE", "20/hour")
        self.RATELIMIT_LOOKUP = _env("RATELIMIT_LOOKUP", "10/hour")
        self.RATELIMIT_LOGIN = _env("RATELIMIT_LOGIN", "10/minute")
        self.RATELIMIT_LOGIN_ACCOUNT = _env("RATELIMIT_LOGIN_ACCOUNT", "20/hour")
        self.RATELIMIT_WEBHOOKS = _env("RATELIMIT_WEBHOOKS", "30/minute")
        # How many reverse proxies in front append to X-Forwarded-For (0: the peer is the client).
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

        # SMS: console backend unless Twilio credentials are set.
        self.SMS_BACKEND = _env("SMS_BACKEND", "")
        # memory | console | smtp; empty: smtp with SMTP_HOST, else console
        self.EMAIL_BACKEND = _env("EMAIL_BACKEND", "")
        self.TWILIO_ACCOUNT_SID = _env("TWILIO_ACCOUNT_SID")
        self.TWILIO_AUTH_TOKEN = _env("TWILIO_AUTH_TOKEN")
        self.TWILIO_FROM = _env("TWILIO_FROM")
        self.TWILIO_MESSAGING_SERVICE_SID = _env("TWILIO_MESSAGING_SERVICE_SID")
        self.TWILIO_API_BASE_URL = _env("TWILIO_API_BASE_URL")  # tests: a local server
        self.TWILIO_TIMEOUT_SECONDS = _int("TWILIO_TIMEOUT_SECONDS", 10)

        # The outbox worker. The lease must outlast a whole batch of slow sends (20 x 20 s).
        self.OUTBOX_BATCH = _int("OUTBOX_BATCH", 20)
        self.OUTBOX_LEASE_SECONDS = _int("OUTBOX_LEASE_SECONDS", 600)
        self.OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 6)
        self.OUTBOX_BACKOFF_SECONDS = _int("OUTBOX_BACKOFF_SECONDS", 30)
        self.WORKER_IDLE_SECONDS = _int("WORKER_IDLE_SECONDS", 2)

        # E-mail over SMTP; no host means e-mails are printed (development).
        self.SMTP_HOST = _env("SMTP_HOST")
        self.SMTP_PORT = _int("SMTP_PORT", 587)
        self.SMTP_USERNAME = _env("SMTP_USERNAME")
        self.SMTP_PASSWORD = _env("SMTP_PASSWORD")
        self.SMTP_STARTTLS = _bool("SMTP_STARTTLS", True)
        self.MAIL_FROM = _env("MAIL_FROM", "Borgerbooking <noreply@example.dk>")

        # Jitsi Meet, self-hosted by the municipality.
        self.JITSI_DOMAIN = _env("JITSI_DOMAIN", "meet.example.dk")
        self.JITSI_APP_ID = _env("JITSI_APP_ID", "borgerbooking")
        self.JITSI_APP_SECRET = _env("JITSI_APP_SECRET")
        self.JITSI_AUDIENCE = _env("JITSI_AUDIENCE")  # empty: the app id
        # The meeting page hands out tokens from this long before the start to after the end.
        self.MEETING_OPEN_BEFORE_MINUTES = _int("MEETING_OPEN_BEFORE_MINUTES", 15)
        self.MEETING_CLOSE_AFTER_MINUTES = _int("MEETING_CLOSE_AFTER_MINUTES", 30)

        # The assistant's shipped training data: imported into the database on first start,
        # and the rules, stories and synonyms administrators do not edit.
        self.ASSISTANT_DATA_DIR = _env("ASSISTANT_DATA_DIR", str(ROOT / "bot" / "data"))
        # The held-out phrasings the assistant is evaluated on; never accepted as examples.
        self.ASSISTANT_HELD_OUT_FILE = _env(
            "ASSISTANT_HELD_OUT_FILE", str(ROOT / "bot" / "tests" / "nlu_holdout.yml")
        )

        # Trainings (run by the worker): the bot's environment, the Rasa config they train with
        # (a config with fewer epochs makes tests fast), where candidates, their data snapshots
        # and logs are kept, and the model that counts as published on a fresh install.
        self.ASSISTANT_BOT_VENV = _env("ASSISTANT_BOT_VENV", str(ROOT / ".venv-bot"))
        self.ASSISTANT_PROJECT_DIR = _env("ASSISTANT_PROJECT_DIR", str(ROOT))
        self.ASSISTANT_TRAIN_CONFIG = _env("ASSISTANT_TRAIN_CONFIG", str(ROOT / "config.yml"))
        self.ASSISTANT_MODELS_DIR = _env(
            "ASSISTANT_MODELS_DIR", str(ROOT / "models" / "candidates")
        )
        self.ASSISTANT_SHIPPED_MODEL = _env(
            "ASSISTANT_SHIPPED_MODEL", str(ROOT / "models" / "borgerbooking.tar.gz")
        )
        # Rasa's training cache, kept between trainings (a retraining after one FAQ edit reuses
        # the policies); empty: <ASSISTANT_MODELS_DIR>/rasa-cache.
        self.ASSISTANT_TRAIN_CACHE_DIR = _env("ASSISTANT_TRAIN_CACHE_DIR", "")
        self.ASSISTANT_TRAIN_TIMEOUT_SECONDS = _int("ASSISTANT_TRAIN_TIMEOUT_SECONDS", 3600)
        # A candidate is published when its macro-F1 >= the published model's - this tolerance.
        self.ASSISTANT_PUBLISH_TOLERANCE = float(_env("ASSISTANT_PUBLISH_TOLERANCE", "0.02"))

        # The municipality, used in answers and messages instead of hard-coded text.
        self.MUNICIPALITY_NAME = _env("MUNICIPALITY_NAME", "Eksempel Kommune")
        self.MUNICIPALITY_PHONE = _env("MUNICIPALITY_PHONE", "+45 70 12 34 56")
        # Written contact, e.g. for the accessibility statement (which must name phone and mail).
        self.MUNICIPALITY_EMAIL = _env("MUNICIPALITY_EMAIL", "borgerservice@example.dk")
        self.MUNICIPALITY_ADDRESS = _env("MUNICIPALITY_ADDRESS", "Rådhuspladsen 1, 1234 Eksempelby")
        self.MUNICIPALITY_OPENING_HOURS_DA = _env(
            "MUNICIPALITY_OPENING_HOURS_DA", "mandag-onsdag 9-15, torsdag 9-17, fredag 9-13"
        )
        self.MUNICIPALITY_OPENING_HOURS_EN = _env(
            "MUNICIPALITY_OPENING_HOURS_EN", "Monday-Wednesday 9-15, Thursday 9-17, Friday 9-13"
        )
        # The privacy notice the assistant names; empty: this app's own /privacy page.
        self.MUNICIPALITY_PRIVACY_URL = _env("MUNICIPALITY_PRIVACY_URL", "")

        # The assistant's server (Rasa REST channel), called by the chat widget on `/`.
        self.RASA_URL = _env("RASA_URL", "http://127.0.0.1:5005").rstrip("/")
        # Every Rasa server a published model is loaded on (comma-separated; default RASA_URL),
        # through its HTTP API with RASA_TOKEN (in development read from instance/rasa-token,
        # which `bot/serve rasa` writes).
        self.RASA_URLS = [
            u.strip().rstrip("/") for u in _env("RASA_URLS").split(",") if u.strip()
        ] or [self.RASA_URL]
        self.RASA_TOKEN = _env("RASA_TOKEN")
        self.RASA_TOKEN_FILE = _env("RASA_TOKEN_FILE")
        self.RASA_LOAD_TIMEOUT_SECONDS = _int("RASA_LOAD_TIMEOUT_SECONDS", 540)
        # The municipal sites allowed to embed the chat widget (comma-separated origins).
        self.WIDGET_ORIGINS = [o.strip() for o in _env("WIDGET_ORIGINS").split(",") if o.strip()]
        # The assistant's tracker database (the same TRACKER_STORE_URL Rasa uses): erasure and
        # retention delete conversations there. Empty: conversations are not reached.
        self.TRACKER_STORE_URL = _env("TRACKER_STORE_URL")
        self.CONVERSATION_RETENTION_DAYS = _int("CONVERSATION_RETENTION_DAYS", 30)
        # as Rasa's tracker store reads them (bot/stores/tracker_store.py); shown on /privacy
        self.TRANSCRIPT_RETENTION_DAYS = _int("TRANSCRIPT_RETENTION_DAYS", 30)
        self.SEALED_MAX_AGE_MINUTES = _int("SEALED_MAX_AGE_MINUTES", 60)

        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 30)
        self.WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds it

    def validate(self) -> None:
        if not self.SECRET_KEY or len(self.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be set to at least 32 random characters")

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k.isupper()}


class DevelopmentConfig(Config):
    """`make run`: embedded defaults, console SMS, a per-instance random secret if none given."""

    ENV_NAME = "development"

    def __init__(self) -> None:
        super().__init__()
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
        self.JITSI_DOMAIN = _env("JITSI_DOMAIN", "meet.jit.si")
        self.SECRET_KEY = self.SECRET_KEY or _dev_secret()
        self.SERVICE_TOKENS = self.SERVICE_TOKENS or [_env("BOOKING_API_TOKEN", "dev-token")]
        self.RASA_TOKEN_FILE = self.RASA_TOKEN_FILE or str(ROOT / "instance" / "rasa-token")
        # where `bot/serve rasa` keeps conversations in development
        self.TRACKER_STORE_URL = self.TRACKER_STORE_URL or (
            f"sqlite:///{ROOT / 'instance' / 'conversations.db'}"
        )


class TestConfig(Config):
    """Tests: every outside service must be faked explicitly; nothing falls back silently."""

    ENV_NAME = "testing"

    def __init__(self) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key-" + "x" * 32
        self.DATABASE_URL = "sqlite://"
        self.SERVICE_TOKENS = ["test-service-token"]
        self.SESSION_COOKIE_SECURE = False
        self.RATELIMIT_ENABLED = False
        self.SMS_BACKEND = "memory"
        self.SMTP_HOST = ""
        self.JITSI_DOMAIN = "meet.test.invalid"
        self.JITSI_APP_SECRET = ""
        self.PUBLIC_BASE_URL = "http://localhost"


def _dev_secret() -> str:
    path = ROOT / "instance" / "dev-secret-key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


CONFIGS: dict[str, type[Config]] = {
    "production": Config,
    "development": DevelopmentConfig,
    "testing": TestConfig,
}


def load_config(name: str | None = None) -> Config:
    config = CONFIGS[name or _env("BORGERBOOKING_ENV", "production")]()
    config.validate()
    return config
