"""The booking service answers the assistant in the conversation's language: every call of an
action carries Accept-Language, so a refusal's reason reaches the citizen in one language."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from actions.booking_api import BookingApi
from actions.manage_booking import ActionCancelBooking
from tests.actions.support import make_tracker, run


class _Refusing(BaseHTTPRequestHandler):
    """A booking service that refuses everything, naming the language it was asked for."""

    def _refuse(self) -> None:
        language = self.headers.get("Accept-Language", "none")
        body = json.dumps({"error": {"code": "invalid_state", "message": f"in:{language}"}})
        self.send_response(409)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST = _refuse

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def refusing_service() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1"
    server.shutdown()
    thread.join(timeout=5)


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_refusal_reaches_the_citizen_in_the_conversations_language(
    refusing_service: str, language: str
) -> None:
    action = ActionCancelBooking(BookingApi(refusing_service, "token"))
    tracker = make_tracker(
        {"language": language, "booking_reference": "ABCD-2345", "manage_token": "t"}
    )
    messages, _ = run(action, tracker)
    reasons = [m.get("reason") for m in messages if m.get("reason")]
    assert reasons == [f"in:{language}"]


def test_without_a_conversation_the_client_sends_no_language(refusing_service: str) -> None:
    api = BookingApi(refusing_service, "token")
    with pytest.raises(Exception) as raised:
        api.services()
    assert getattr(raised.value, "message", "") == "in:none"
