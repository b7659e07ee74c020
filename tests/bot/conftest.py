"""Fixtures for the assistant's tests (run in .venv-bot): a REAL booking service on loopback.

The web app runs from .venv (Python 3.11, Flask) under gunicorn on a free port with a fresh
SQLite database, migrated and seeded with the demo data. SMS go to the console backend, so the
one-time codes are read from the web process's output, as a citizen would read their phone.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WEB_VENV = ROOT / ".venv" / "bin"
SERVICE_TOKEN = "bot-test-" + secrets.token_hex(8)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@dataclass
class BookingService:
    base_url: str  # …/api/v1
    token: str
    log_path: Path
    database: Path
    process: subprocess.Popen = field(repr=False)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kw: Any) -> requests.Response:
        headers = {**self.headers(), **kw.pop("headers", {})}
        return requests.get(self.base_url + path, headers=headers, timeout=10, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        headers = {**self.headers(), **kw.pop("headers", {})}
        return requests.post(self.base_url + path, headers=headers, timeout=10, **kw)

    def manage_token(self, reference: str, phone: str) -> str:
        """The citizen's way in: reference + phone → code by SMS → manage token."""
        assert (
            self.post("/bookings/lookup", json={"reference": reference, "phone": phone}).status_code
            == 202
        )
        code = self.last_code_sent_to(phone)
        confirmed = self.post(
            "/bookings/lookup/confirm", json={"reference": reference, "code": code}
        )
        assert confirmed.status_code == 200, confirmed.text
        return confirmed.json()["manage_token"]

    def stored_status(self, reference: str) -> str:
        """The booking's status as stored (read from the database, not through a token)."""
        with sqlite3.connect(self.database) as connection:
            row = connection.execute(
                "SELECT status FROM bookings WHERE reference = ?", (reference,)
            ).fetchone()
        assert row is not None, f"no booking {reference}"
        return str(row[0])

    def last_code_sent_to(self, phone: str) -> str:
        """The newest 6-digit code the console SMS backend printed for this number."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            lines = [
                ln for ln in self.log_path.read_text().splitlines() if f"[SMS to {phone}]" in ln
            ]
            codes = [m for ln in lines for m in re.findall(r"\b(\d{6})\b", ln)]
            if codes:
                return codes[-1]
            time.sleep(0.2)
        raise AssertionError(f"no code was sent to {phone}")


def web_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOOKING_API", "VIRTUAL_ENV"))}
    env.update(
        BORGERBOOKING_ENV="development",
        DATABASE_URL=f"sqlite:///{tmp / 'booking.db'}",
        SECRET_KEY=secrets.token_urlsafe(48),
        SERVICE_TOKENS=SERVICE_TOKEN,
        RATELIMIT_ENABLED="false",
        SMS_BACKEND="console",
        PYTHONUNBUFFERED="1",
        PATH=f"{WEB_VENV}:{os.environ.get('PATH', '')}",
    )
    return env


@pytest.fixture(scope="session")
def booking_service(tmp_path_factory: pytest.TempPathFactory):
    if not (WEB_VENV / "gunicorn").exists():
        pytest.fail("the web venv (.venv) is missing: run `make setup` first")
    tmp = tmp_path_factory.mktemp("booking-service")
    env = web_env(tmp)
    flask = [str(WEB_VENV / "flask"), "--app", "web"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log_path = tmp / "web.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            str(WEB_VENV / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "web:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", 60, process)
        yield BookingService(
            f"http://127.0.0.1:{port}/api/v1", SERVICE_TOKEN, log_path, tmp / "booking.db", process
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture()
def api_env(booking_service: BookingService, monkeypatch: pytest.MonkeyPatch) -> BookingService:
    """The actions find the booking service through the environment, as in production."""
    monkeypatch.setenv("BOOKING_API_URL", booking_service.base_url)
    monkeypatch.setenv("BOOKING_API_TOKEN", booking_service.token)
    return booking_service


@pytest.fixture()
def service_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOOKING_API_URL", f"http://127.0.0.1:{free_port()}/api/v1")
    monkeypatch.setenv("BOOKING_API_TOKEN", "whatever")
