"""The running stack for the end-to-end tests (run in .venv-bot): a REAL booking service.

The web app runs from .venv (Python 3.11, Flask) under gunicorn on a free port with a fresh
SQLite database, migrated and seeded with the demo data. SMS go to the console backend, so the
one-time codes are read from the web process's output, as a citizen would read their phone.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
WEB_VENV = ROOT / ".venv" / "bin"
SERVICE_TOKEN = "bot-test-" + secrets.token_hex(8)


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


@contextmanager
def running_booking_service(tmp: Path) -> Iterator[BookingService]:
    """The web app under gunicorn on a free port, migrated and seeded; stopped afterwards."""
    env = web_env(tmp)
    flask = [str(WEB_VENV / "flask"), "--app", "web"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log_path = tmp / "web.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(WEB_VENV / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1"]
            + ["web:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz", 60, process)
            yield BookingService(
                f"http://127.0.0.1:{port}/api/v1", SERVICE_TOKEN, log_path, tmp / "booking.db"
            )
        finally:
            process.terminate()
            process.wait(timeout=10)
