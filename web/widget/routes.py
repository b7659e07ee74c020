"""/widget.js, its versioned stylesheet and /widget/config.json.

The script's URL never changes (it is what municipalities paste), so it is cached briefly and
revalidated by ETag; the stylesheet's URL carries a hash of its content and is cached for a
year. The config tells the widget where the assistant (Rasa) is, where the privacy notice and
/book are, and its texts in both languages. Only the allowed embedding origins (`WIDGET_ORIGINS`,
and the app's own origin) get the CORS header that lets their pages read it, so the widget
starts only on those sites.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import Response, current_app, jsonify, redirect, request, send_file, url_for

from web.widget import blueprint
from web.widget.texts import widget_texts

STATIC = Path(__file__).resolve().parent.parent / "static"
SCRIPT = STATIC / "widget.js"
STYLESHEET = STATIC / "widget.css"
SCRIPT_MAX_AGE = 300
YEAR = 365 * 24 * 3600


@cache
def _digest(path: Path, mtime: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def stylesheet_version() -> str:
    return _digest(STYLESHEET, STYLESHEET.stat().st_mtime)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins() -> set[str]:
    configured = current_app.config.get("WIDGET_ORIGINS", [])
    own = origin_of(str(current_app.config["PUBLIC_BASE_URL"]))
    return {origin_of(o) for o in configured} | {own, origin_of(request.host_url)}


def _allow_origin(response: Response) -> Response:
    origin = request.headers.get("Origin", "")
    if origin and origin.lower() in allowed_origins():
        response.headers["Access-Control-Allow-Origin"] = origin
    response.vary.add("Origin")
    return response


@blueprint.get("/widget.js")
def script() -> Response:
    response = send_file(
        SCRIPT, mimetype="text/javascript", conditional=True, etag=True, max_age=SCRIPT_MAX_AGE
    )
    response.cache_control.public = True
    return response


@blueprint.get("/widget/<version>/widget.css")
def stylesheet(version: str) -> Response:
    if version != stylesheet_version():
        return redirect(url_for("widget.stylesheet", version=stylesheet_version()))  # type: ignore[return-value]
    response = send_file(STYLESHEET, mimetype="text/css", conditional=True, etag=True, max_age=YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@blueprint.get("/widget/config.json")
def config() -> Response:
    response = jsonify(
        {
            "rasa_url": current_app.config["RASA_URL"],
            "stylesheet": url_for(
                "widget.stylesheet", version=stylesheet_version(), _external=True
            ),
            "privacy_url": url_for("citizen.index", _external=True) + "privacy",
            "book_url": url_for("book.service", _external=True),
            "texts": widget_texts(),
        }
    )
    response.cache_control.public = True
    response.cache_control.max_age = SCRIPT_MAX_AGE
    return _allow_origin(response)
