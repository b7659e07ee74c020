"""The app under gunicorn on a free port, for the load test.

The listening socket is bound here (port 0) and handed to gunicorn as `fd://N`, so there is no
window in which another process could take the port.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SERVICE_TOKEN = "bench-" + secrets.token_hex(16)


class AppServer:
    """`with AppServer(url, workers=4) as server:` → `server.base_url` serves the app."""

    def __init__(self, database_url: str, *, workers: int, log_path: Path) -> None:
        self.database_url = database_url
        self.workers = workers
        self.log_path = log_path
        self.base_url = ""
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AppServer:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(256)
        listener.set_inheritable(True)
        port = listener.getsockname()[1]
        env = {
            **os.environ,
            "BORGERBOOKING_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": self.database_url,
            "SERVICE_TOKENS": SERVICE_TOKEN,
            "RATELIMIT_ENABLED": "false",
            "SMS_BACKEND": "memory",
            "SMTP_HOST": "",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            str(self.workers),
            "--log-level",
            "warning",
            "web:create_app()",
        ]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                pass_fds=(listener.fileno(),),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        listener.close()  # gunicorn holds its own copy
        self.base_url = f"http://127.0.0.1:{port}"
        self._wait_until_ready()
        return self

    def _wait_until_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_path}")
            try:
                if requests.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s; see {self.log_path}")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by gunicorn's master and its workers, from
        /proc: a figure that, unlike requests per second, hardly moves with other load."""
        return process_tree_cpu_seconds(self._process.pid) if self._process else 0.0

    def __exit__(self, *exc: object) -> None:
        if self._process is None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def process_tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process `pid` and its living children (gunicorn's
    workers, PostgreSQL's backends), from /proc; 0 when the process is gone."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    ticks = 0
    for process in [str(pid), *children]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a child that just exited
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")
