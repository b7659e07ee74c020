"""A local stand-in for Twilio's Messages API on 127.0.0.1, driven by the real `twilio` client.

It checks each request the way Twilio would receive it (path, basic auth, form fields),
answers with Twilio's JSON, and can be told to fail: answer 500, answer too slowly (after or
without accepting the message), or kill a worker process right after accepting a message.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
FROM = "Kommunen"


@dataclass
class Fault:
    """One scripted answer for the next create request."""

    status: int = 500
    delay: float = 0.0  # seconds to wait before answering (longer than the client timeout)
    accept: bool = False  # keep the message although the answer is an error or too late
    message: str = "Internal Server Error"


@dataclass
class FakeTwilio:
    faults: list[Fault] = field(default_factory=list)
    accepted: list[dict[str, str]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    kill_pid_after: tuple[int, int] | None = None  # (pid, n): SIGKILL after the n-th accept
    delay_each: float = 0.0
    clock: Any = None  # a callable giving "now"; the real clock when None
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def now(self) -> datetime:
        return self.clock() if self.clock else datetime.now(UTC)

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                fake._handle(self, "POST")

            def do_GET(self) -> None:  # noqa: N802
                fake._handle(self, "GET")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def bodies(self) -> list[str]:
        return [m["body"] for m in self.accepted]

    # --- request handling ----------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode("utf-8") if length else ""
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        with self.lock:
            self.requests.append({"method": method, "path": url.path, "form": form})
        if not self._authorised(handler):
            self._reply(handler, 401, {"code": 20003, "message": "Authenticate", "status": 401})
            return
        expected = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        if url.path != expected:
            self.problems.append(f"unexpected path {url.path}")
            self._reply(handler, 404, {"code": 20404, "message": "Not found", "status": 404})
            return
        if method == "GET":
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            self._list(handler, query)
        else:
            self._create(handler, form)

    def _authorised(self, handler: BaseHTTPRequestHandler) -> bool:
        header = handler.headers.get("Authorization", "")
        expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if header != f"Basic {expected}":
            self.problems.append(f"bad auth header {header!r}")
            return False
        return True

    def _create(self, handler: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        if not form.get("To") or not form.get("Body"):
            self.problems.append(f"create without To/Body: {form}")
            self._reply(handler, 400, {"code": 21604, "message": "'To' is required", "status": 400})
            return
        if not (form.get("From") or form.get("MessagingServiceSid")):
            self.problems.append(f"create without From: {form}")
            error = {"code": 21603, "message": "'From' is required", "status": 400}
            self._reply(handler, 400, error)
            return
        if self.delay_each:
            time.sleep(self.delay_each)
        with self.lock:
            fault = self.faults.pop(0) if self.faults else None
        if fault is None or fault.accept:
            message = self._accept(form)
        if fault is not None:
            time.sleep(fault.delay)
            body = {"code": 20500, "message": fault.message, "status": fault.status}
            self._reply(handler, fault.status, body)
            return
        self._maybe_kill()
        self._reply(handler, 201, message)

    def _accept(self, form: dict[str, str]) -> dict[str, Any]:
        message = {
            "sid": "SM" + uuid.uuid4().hex,
            "account_sid": ACCOUNT_SID,
            "to": form["To"],
            "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form["Body"],
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "date_created": format_datetime(self.now().astimezone(UTC), usegmt=True),
            "date_updated": format_datetime(self.now().astimezone(UTC), usegmt=True),
            "date_sent": None,
            "status_callback": form.get("StatusCallback"),
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/x.json",
        }
        with self.lock:
            self.accepted.append(message)
        return message

    def _maybe_kill(self) -> None:
        if self.kill_pid_after and len(self.accepted) >= self.kill_pid_after[1]:
            pid, _ = self.kill_pid_after
            self.kill_pid_after = None
            os.kill(pid, signal.SIGKILL)

    def _list(self, handler: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        with self.lock:
            found = [m for m in reversed(self.accepted) if m["to"] == query.get("To")]
        self._reply(
            handler,
            200,
            {
                "messages": found[: int(query.get("PageSize", 50))],
                "first_page_uri": None,
                "next_page_uri": None,
                "previous_page_uri": None,
                "page": 0,
                "page_size": 50,
                "start": 0,
                "end": len(found),
                "uri": handler.path,
            },
        )

    def _reply(self, handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout) or was killed
