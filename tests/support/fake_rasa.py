"""A stand-in for Rasa's REST channel on loopback, for the widget's browser tests.

It answers like Rasa does (a JSON list of messages with `text`, `buttons`, `image`), sends
the CORS headers Rasa sends for an allowed origin, records what it received, and can be told
to fail the next requests (to test the widget's retry) or to hold its answer to the message
"vent" until released (to act while the assistant is still answering).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A 1x1 PNG, for a message that carries only an image.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc000000301010018dd8db40000000049454e44ae426082"
)


@dataclass
class FakeRasa:
    base_url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    fail_next: int = 0
    release: threading.Event = field(default_factory=threading.Event)

    def replies(self, message: str) -> list[dict[str, Any]]:
        if message == "/greet":
            return [
                {
                    "text": "Hej! Hvad kan jeg hjælpe med?",
                    "buttons": [
                        {"title": "Book et videomøde", "payload": "/book_meeting"},
                        {"title": "Aflys eller flyt et møde", "payload": "/cancel_booking"},
                    ],
                }
            ]
        if message == "/book_meeting":
            # Rasa sends a message that carries only buttons with empty text.
            return [
                {"text": "Hvad skal mødet handle om?"},
                {
                    "text": "",
                    "buttons": [
                        {"title": "Jobcenter", "payload": '/inform{"service":"jobcenter"}'},
                        {"title": "Sundhedspleje", "payload": '/inform{"service":"sundhedspleje"}'},
                    ],
                },
            ]
        if message.startswith("/inform"):
            return [{"image": f"{self.base_url}/pixel.png"}]
        if message.startswith("/choose_language"):
            return [{"text": "Fine, I will write in English. What can I help you with?"}]
        if message == "english":
            return [{"text": "I can help you book a meeting with the municipality."}]
        if message == "link":
            return [
                {
                    "text": "Læs mere på https://www.borger.dk og [Jobnet](https://jobnet.dk/). "
                    '<img src=x onerror="window.hacked=1"> [farlig](javascript:alert(1))'
                }
            ]
        return [{"text": f"Du skrev: {message}"}]


def _handler(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            return

        def _cors(self) -> None:
            origin = self.headers.get("Origin")
            if origin:
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Access-Control-Allow-Headers", "Content-Type")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")

        def do_OPTIONS(self) -> None:  # noqa: N802
            self.send_response(204)
            self._cors()
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            if self.path != "/pixel.png":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PIXEL)))
            self.end_headers()
            self.wfile.write(PIXEL)

        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            fake.received.append(body)
            if body.get("message") == "vent":
                fake.release.wait(timeout=60)
            if fake.fail_next > 0:
                fake.fail_next -= 1
                self.send_response(500)
                self._cors()
                self.end_headers()
                return
            data = json.dumps(
                [{"recipient_id": body.get("sender"), **r} for r in fake.replies(body["message"])]
            ).encode()
            self.send_response(200)
            self._cors()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def running(
    server_class: type[ThreadingHTTPServer], handler: type[BaseHTTPRequestHandler]
) -> Iterator[str]:
    server = server_class(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    with running(ThreadingHTTPServer, _handler(fake)) as url:
        fake.base_url = url
        yield fake


def municipal_page(booking_url: str, rasa_url: str, *, lang: str = "da") -> str:
    """A municipality's own page: its own CSS, and the one line that embeds the widget."""
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Eksempel Kommune</title>
<link rel="stylesheet" href="/site.css">
</head>
<body>
<header><a href="/">Eksempel Kommune</a></header>
<main>
<h1>Borgerservice</h1>
<p>Her kan du booke et videomøde med kommunen.</p>
<button type="button" class="bb-launcher" id="own-button">Kommunens egen knap</button>
</main>
<script src="{booking_url}/widget.js" async data-lang="{lang}"></script>
</body>
</html>
"""


# The municipality's CSS tries hard to restyle everything, including the widget's classes.
SITE_CSS = """
* { font-family: serif !important; color: rgb(255, 0, 0) !important; }
button { background: rgb(0, 255, 0) !important; }
.bb-panel { display: block !important; }
"""


def strict_policy(booking_url: str, rasa_url: str) -> str:
    return (
        "default-src 'none'; "
        f"script-src {booking_url}; "
        f"style-src 'self' {booking_url}; "
        f"connect-src {booking_url} {rasa_url}; "
        f"img-src {rasa_url}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


@contextmanager
def municipal_site(booking_url: str, rasa_url: str, *, lang: str = "da") -> Iterator[str]:
    """A second origin serving the municipal page under a strict CSP (no inline anything)."""
    page = municipal_page(booking_url, rasa_url, lang=lang).encode()
    css = SITE_CSS.encode()
    policy = strict_policy(booking_url, rasa_url)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def do_GET(self) -> None:  # noqa: N802
            body, kind = (css, "text/css") if self.path == "/site.css" else (page, "text/html")
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Security-Policy", policy)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with running(ThreadingHTTPServer, Handler) as url:
        yield url
