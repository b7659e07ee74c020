"""The public pages: `/` with the chat widget, the privacy notice, the accessibility statement,
the favicon."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Response, current_app, make_response, render_template, send_from_directory

from booking.privacy.notice import ConversationRetention, privacy_facts
from web.citizen import blueprint
from web.extensions import get_db
from web.i18n import current_language
from web.security import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY

# When the accessibility statement was last reviewed (update it with the statement's text).
STATEMENT_DATE = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


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


@blueprint.get("/favicon.ico")
def favicon() -> Response:
    response = send_from_directory(
        current_app.static_folder or "static", "favicon.ico", mimetype="image/vnd.microsoft.icon"
    )
    response.cache_control.max_age = 7 * 24 * 3600
    response.cache_control.public = True
    return response


@blueprint.get("/accessibility")
def accessibility() -> str:
    """The accessibility statement Danish public sites must publish (web accessibility act)."""
    return render_template("citizen/accessibility.html", statement_date=STATEMENT_DATE)


@blueprint.get("/privacy")
def privacy() -> str:
    """The privacy notice, generated from the configured services, consents and retention."""
    config = current_app.config
    retention = ConversationRetention(
        conversation_days=int(config["CONVERSATION_RETENTION_DAYS"]),
        transcript_days=int(config["TRANSCRIPT_RETENTION_DAYS"]),
        sealed_minutes=int(config["SEALED_MAX_AGE_MINUTES"]),
    )
    with get_db().transaction() as session:
        facts = privacy_facts(session, language=current_language(), conversations=retention)
    return render_template("citizen/privacy.html", facts=facts)
