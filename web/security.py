"""CSRF protection on every form, and security headers on every response.

The JSON APIs and the signed provider webhooks are exempt from CSRF: the APIs authenticate
with tokens in headers (not cookies a browser sends on its own), the webhooks with signatures.
A view that needs a looser Content-Security-Policy (the Jitsi meeting page) sets its own
header, which is left as it is.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CSRF_EXEMPT_BLUEPRINTS = ("api", "admin_api", "webhooks")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "display-capture=(), fullscreen=(self)"
)


def csp_nonce() -> str:
    """A per-response nonce that lets a page's script-created <style> element through the CSP.

    FullCalendar builds its styles in a `<style>` element it creates; it reads the nonce from
    `<meta name="csp-nonce">`. Styles still cannot come from inline markup an attacker injects.
    """
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return str(g.csp_nonce)


def _policy() -> str:
    nonce = g.get("csp_nonce")
    if not nonce:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'", f"style-src 'self' 'nonce-{nonce}'", 1
    )


def init_app(app: Flask) -> None:
    app.add_template_global(csp_nonce)
    # CSRFProtect's own hook would need the exempt blueprints before they are registered;
    # this app's hook decides by the top-level blueprint's name at request time instead.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)

    @app.before_request
    def _csrf_protect() -> None:
        if not app.config.get("WTF_CSRF_ENABLED", True) or request.endpoint is None:
            return
        blueprints = request.blueprints
        if blueprints and blueprints[-1] in CSRF_EXEMPT_BLUEPRINTS:
            return
        csrf.protect()

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = _policy()
            # A page with its own CSP (the meeting page) needs camera and microphone for the
            # embedded Jitsi frame, so the restrictive default applies only to the others.
            headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure or app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.blueprint in ("caseworker", "admin", "auth"):
            # Pages with citizens' data or staff sessions must not be cached anywhere.
            headers.setdefault("Cache-Control", "no-store")
        return response
