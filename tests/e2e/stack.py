"""The running stack for the end-to-end tests (run in .venv-bot): a REAL booking service.

The web app runs from .venv (Python 3.11, Flask) under gunicorn on a free port with a fresh
SQLite database, migrated and seeded with the demo data. SMS go to the console backend, so the
one-time codes are read from the web process's output, as a citizen would read their phone.

The assistant (Rasa + the action server) is started exactly as `make run` starts it, through
`bot/serve`, with the repository's endpoints.yml and credentials.yml: its API behind a token,
CORS for the configured origins only, its own tracker database file in the test's directory.
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
SERVE = ROOT / "bot" / "serve"
MODEL = ROOT / "models" / "borgerbooking.tar.gz"
# rasa needs ~45-70 s to load the model on an idle machine; the test machine is shared
# The retention of a kept transcript in the shared stack (seconds instead of days).
TRANSCRIPT_KEPT_SECONDS = 45.0
RASA_STARTUP_TIMEOUT = float(os.environ.get("RASA_STARTUP_TIMEOUT", "600"))
SERVICE_TOKEN = "bot-test-" + secrets.token_hex(8)
# The phone line (bot/channels/twilio_voice_verified.py) as behind the municipality's proxy:
# Twilio signs the public URL, Rasa sees a loopback one.
VOICE_AUTH_TOKEN = secrets.token_hex(16)
VOICE_PUBLIC_URL = "https://assistent.eksempel-kommune.dk/webhooks/twilio_voice_verified/webhook"
SWITCHBOARD = "+4570123456"


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
    tracker_store_url: str  # the assistant's tracker database: erasure and retention reach it
    env: dict[str, str]  # the web app's environment (for the worker and CLI)

    def run_worker_once(self, log_path: Path) -> None:
        """`flask --app web worker --once` on this database, its output into `log_path`.

        Messages go to in-memory senders: what is checked is what the worker logs."""
        env = {**self.env, "SMS_BACKEND": "memory", "EMAIL_BACKEND": "memory"}
        with log_path.open("w") as log:
            subprocess.run(
                [str(WEB_VENV / "flask"), "--app", "web", "worker", "--once"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=120,
            )

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
        TRACKER_STORE_URL=f"sqlite:///{tmp / 'conversations.db'}",
        PYTHONUNBUFFERED="1",
        PATH=f"{WEB_VENV}:{os.environ.get('PATH', '')}",
    )
    return env


@contextmanager
def running_booking_service(tmp: Path, **overrides: str) -> Iterator[BookingService]:
    """The web app under gunicorn on a free port, migrated and seeded; stopped afterwards."""
    env = {**web_env(tmp), **overrides}
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
                f"http://127.0.0.1:{port}/api/v1",
                SERVICE_TOKEN,
                log_path,
                tmp / "booking.db",
                env["TRACKER_STORE_URL"],
                env,
            )
        finally:
            process.terminate()
            process.wait(timeout=10)


@dataclass
class Assistant:
    """Rasa on a free loopback port, started by `bot/serve rasa`, and its action server."""

    url: str
    token: str
    tracker_db: Path
    log_dir: Path
    env: dict[str, str]

    def api(self, method: str, path: str, *, token: bool = True, **kw: Any) -> requests.Response:
        """Rasa's HTTP API; its token auth reads the `token` query parameter."""
        params = {**kw.pop("params", {}), **({"token": self.token} if token else {})}
        return requests.request(method, self.url + path, params=params, timeout=30, **kw)

    def tracker(self, sender: str) -> dict[str, Any]:
        response = self.api("GET", f"/conversations/{sender}/tracker")
        assert response.status_code == 200, response.text
        return response.json()

    def say(self, sender: str, message: str) -> list[dict[str, Any]]:
        response = requests.post(
            self.url + "/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=120,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))


def assistant_env(tmp: Path, booking: BookingService, **overrides: str) -> dict[str, str]:
    """Production-like: no development defaults, every secret set explicitly."""
    import base64

    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOOKING_API", "RASA_"))}
    env.update(
        BORGERBOOKING_ENV="production",
        RASA_TELEMETRY_ENABLED="false",
        RASA_TOKEN="rasa-test-" + secrets.token_hex(12),
        TRACKER_ENCRYPTION_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        TRACKER_STORE_URL=booking.tracker_store_url,
        BOOKING_API_URL=booking.base_url,
        BOOKING_API_TOKEN=booking.token,
        PUBLIC_URL="http://127.0.0.1:8000",
        WIDGET_ORIGINS="https://www.eksempel-kommune.dk",
        INSTANCE_PATH=str(tmp / "instance"),
        PYTHONUNBUFFERED="1",
        TWILIO_AUTH_TOKEN=VOICE_AUTH_TOKEN,
        TWILIO_VOICE_WEBHOOK_URL=VOICE_PUBLIC_URL,
        MUNICIPALITY_SWITCHBOARD=SWITCHBOARD,
    )
    env.update(overrides)
    return env


def start_rasa(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    """One Rasa server via `bot/serve rasa` (a second one may share the tracker and lock store)."""
    return subprocess.Popen(
        [str(SERVE), "rasa", "-p", str(port), "--model", str(MODEL)],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_for_rasa(url: str, token: str, process: subprocess.Popen) -> None:
    """Until the model is loaded: `/` answers only then, `/status` with the token."""
    wait_for(f"{url}/", RASA_STARTUP_TIMEOUT, process)
    ready_by = time.monotonic() + RASA_STARTUP_TIMEOUT
    while requests.get(f"{url}/status", params={"token": token}, timeout=10).status_code != 200:
        if process.poll() is not None or time.monotonic() > ready_by:
            raise RuntimeError("rasa did not load its model")
        time.sleep(1)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_assistant(tmp: Path, booking: BookingService, **overrides: str) -> Iterator[Assistant]:
    """The action server and Rasa, both via bot/serve; stopped (and waited for) afterwards."""
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make bot-train` first")
    actions_port, rasa_port = free_port(), free_port()
    env = assistant_env(
        tmp, booking, ACTION_SERVER_URL=f"http://127.0.0.1:{actions_port}/webhook", **overrides
    )
    processes = [
        subprocess.Popen(
            [str(SERVE), "actions", "-p", str(actions_port)],
            cwd=ROOT,
            env=env,
            stdout=(tmp / "actions.log").open("w"),
            stderr=subprocess.STDOUT,
        ),
        start_rasa(env, rasa_port, tmp / "rasa.log"),
    ]
    try:
        wait_for(f"http://127.0.0.1:{actions_port}/health", 60, processes[0])
        url = f"http://127.0.0.1:{rasa_port}"
        wait_for_rasa(url, env["RASA_TOKEN"], processes[1])
        tracker_db = Path(env["TRACKER_STORE_URL"].removeprefix("sqlite:///"))
        yield Assistant(url, env["RASA_TOKEN"], tracker_db, tmp, env)
    finally:
        stop(processes)
