"""A private redis-server on a free loopback port, for tests that need Redis (Debian redis-server).

Used by the e2e tests (Rasa's lock store, in .venv-bot) and by the shared rate-limit tests (the
limiter's storage, in .venv); standard library only, so it runs in both environments.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.ports import free_port


@contextmanager
def running_redis(tmp: Path) -> Iterator[str | None]:
    """Yields `redis://127.0.0.1:<port>/1`, or None when redis-server is not installed."""
    if shutil.which("redis-server") is None:
        yield None
        return
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen(
        [*command, "--dir", str(tmp)],
        stdout=(tmp / "redis.out").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_pong(port, process)
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_pong(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("redis-server did not start")
        time.sleep(0.2)
