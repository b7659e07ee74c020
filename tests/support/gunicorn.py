"""The app under the REAL gunicorn with several worker processes, for tests across processes.

The listening socket is bound here and handed to gunicorn as `fd://N` (as bench/server.py
does), so no other process can take the port in between. The access log names the worker's pid
(`%(p)s`), so a test can show which worker answered which request without any debug switch in
the app.

`Gunicorn.alternating` sends requests to two sync workers in turn: a connection that has sent
only half its headers keeps one worker reading (a sync worker serves one connection at a
time), so the next request can only be taken by the other one.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import requests

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
SERVICE_TOKEN = "gunicorn-test-" + secrets.token_hex(8)
ACCEPT_PAUSE = 0.3  # time for an idle worker to accept a waiting connection
ACCESS_FORMAT = '%(p)s "%(m)s %(U)s" %(s)s'
_ACCESS_LINE = re.compile(r'^<(\d+)> "(\S+) (\S+)" (\d{3})$')


@dataclass
class Gunicorn:
    base_url: str
    access_log: Path
    output: Path

    def answered(self, method: str, path: str, *, expected: int, timeout: float = 10) -> Counter:
        """How many `method path` requests each worker pid answered, once `expected` are logged.

        gunicorn writes the access line after the response, so wait for all of them.
        """
        deadline = time.monotonic() + timeout
        while True:
            by_pid: Counter[str] = Counter()
            for line in self.access_log.read_text().splitlines():
                found = _ACCESS_LINE.match(line.strip())
                if found and found[2] == method and found[3] == path:
                    by_pid[found[1]] += 1
            if sum(by_pid.values()) >= expected or time.monotonic() > deadline:
                return by_pid
            time.sleep(0.1)

    def alternating(self, count: int, call: Callable[[int], T]) -> list[T]:
        """`call(0)` … `call(count - 1)` in order, each served by the other of two workers.

        While `call(i)` runs, one worker is held by a half-sent request, so `call(i)` reaches the
        other; then that one is held while the first is released, and so on.
        """
        results = []
        held = self._hold()
        for i in range(count):
            results.append(call(i))
            other = self._hold()  # taken by the worker that just answered: the other is held
            self._release(held)
            held = other
        self._release(held)
        return results

    def _hold(self) -> socket.socket:
        host, port = self.base_url.removeprefix("http://").split(":")
        sock = socket.create_connection((host, int(port)), timeout=30)
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n".encode())
        time.sleep(ACCEPT_PAUSE)
        return sock

    @staticmethod
    def _release(sock: socket.socket) -> None:
        with sock:
            sock.sendall(b"Connection: close\r\n\r\n")
            while sock.recv(4096):
                pass


@contextmanager
def running_gunicorn(
    tmp: Path, database_url: str, *, workers: int = 2, **settings: str
) -> Iterator[Gunicorn]:
    """`gunicorn web:create_app()` in the production configuration on `database_url`.

    The database must be migrated already; `settings` are further environment variables.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    port = listener.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "REDIS_"))}
    env.update(
        BORGERBOOKING_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        SERVICE_TOKENS=SERVICE_TOKEN,
        SMS_BACKEND="memory",
        SMTP_HOST="",
        SESSION_COOKIE_SECURE="false",  # plain http on loopback
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        PYTHONUNBUFFERED="1",
    )
    env.update(settings)
    access_log, output = tmp / "access.log", tmp / "gunicorn.out"
    command = [sys.executable, "-m", "gunicorn", "--bind", f"fd://{listener.fileno()}"]
    command += ["--workers", str(workers), "--access-logfile", str(access_log)]
    command += ["--access-logformat", ACCESS_FORMAT, "web:create_app()"]
    with output.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            pass_fds=(listener.fileno(),),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    listener.close()  # gunicorn holds its own copy
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_for_workers(base_url, process, output, workers)
        yield Gunicorn(base_url, access_log, output)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_workers(
    base_url: str, process: subprocess.Popen, output: Path, workers: int, timeout: float = 90
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{output.read_text()}")
        booted = output.read_text().count("Booting worker with pid")
        try:
            if booted >= workers and requests.get(f"{base_url}/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{output.read_text()}")
