"""The municipality's public page at `/` with the chat widget that talks to the assistant."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, current_app, make_response, render_template

from web.citizen import blueprint
from web.security import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY


def chat_policy(rasa_url: str) -> str:
    """The app's CSP, with the assistant's origin added to connect-src (the widget's fetch)."""
    parts = urlsplit(rasa_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return CONTENT_SECURITY_POLICY.replace("connect-src 'self'", f"connect-src 'self' {origin}", 1)


@blueprint.get("/")
def index() -> Response:
    rasa_url = current_app.config["RASA_URL"]
    response = make_response(render_template("citizen/index.html", rasa_url=rasa_url))
    response.headers["Content-Security-Policy"] = chat_policy(rasa_url)
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
    return response
