"""A stand-in for Rasa's authenticated HTTP API on loopback (PUT /model, GET /status, POST
/model/parse), for the web tests of publishing and "try it". The real server is driven by
tests/e2e/test_training_round_trip.py; this one records what it was asked and can refuse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.fake_rasa import running

TOKEN = "fake-rasa-token"


@dataclass
class FakeRasaApi:
    url: str = ""
    model_file: str = "borgerbooking.tar.gz"
    loads: list[str] = field(default_factory=list)
    parsed: list[str] = field(default_factory=list)
    refuse_loads: bool = False
    faq: str = "faq/cost"

    def parse(self, text: str) -> dict[str, Any]:
        return {
            "text": text,
            "intent": {"name": "faq", "confidence": 0.93},
            "intent_ranking": [
                {"name": "faq", "confidence": 0.93},
                {"name": "out_of_scope", "confidence": 0.05},
                {"name": "greet", "confidence": 0.02},
            ],
            "response_selector": {
                "faq": {"response": {"intent_response_key": self.faq, "confidence": 0.9}}
            },
        }


def _handler(fake: FakeRasaApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def _answer(self, status: int, body: Any = None) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            token = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
            if token != TOKEN:
                self._answer(401, {"reason": "NotAuthenticated"})
                return False
            return True

        def _body(self) -> dict[str, Any]:
            return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")

        def do_GET(self) -> None:  # noqa: N802
            if self._authorised() and urlsplit(self.path).path == "/status":
                self._answer(200, {"model_file": fake.model_file, "model_id": "x"})

        def do_PUT(self) -> None:  # noqa: N802
            if not self._authorised():
                return
            model = self._body()["model_file"]
            if fake.refuse_loads:
                self._answer(400, {"reason": "BadRequest", "message": "cannot load"})
                return
            fake.loads.append(model)
            fake.model_file = Path(model).name
            self._answer(204)

        def do_POST(self) -> None:  # noqa: N802
            if self._authorised():
                text = self._body()["text"]
                fake.parsed.append(text)
                self._answer(200, fake.parse(text))

    return Handler


@contextmanager
def fake_rasa_api() -> Iterator[FakeRasaApi]:
    fake = FakeRasaApi()
    with running(ThreadingHTTPServer, _handler(fake)) as url:
        fake.url = url
        yield fake


def assistant_settings(rasa: FakeRasaApi, models_dir: Path) -> dict[str, Any]:
    """The app's settings for the assistant's Rasa servers, answered by `rasa`."""
    return {
        "RASA_URLS": [rasa.url],
        "RASA_TOKEN": TOKEN,
        "ASSISTANT_MODELS_DIR": str(models_dir),
        "RASA_LOAD_TIMEOUT_SECONDS": 5,
    }
