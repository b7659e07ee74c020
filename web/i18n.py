"""One language at a time: Flask-Babel, the language choice, and dates in the reader's language.

The language of a request is, in this order: `?lang=da|en` (remembered in a cookie), the
cookie, the language a view prefers (`prefer_language`: the citizen's booking language on that
booking's pages), the browser's `Accept-Language`, Danish. Templates get `current_language` (for
`<html lang>`) and `language_switch`, the link to the same page in the other language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, has_request_context, request
from flask_babel import Babel, get_locale, refresh

from booking.errors import BookingError
from booking.i18n import COPENHAGEN, DEFAULT_LANGUAGE, LANGUAGES, format_moment

LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600
# Each language's name in that language: the switch is read by those who need it.
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}

babel = Babel()


def chosen_language() -> str | None:
    """The language asked for in the query string (`?lang=en`), if it is one we write in."""
    chosen = request.args.get("lang", "")
    return chosen if chosen in LANGUAGES else None


def select_language() -> str:
    """The language of this request: query string, then cookie, then Accept-Language."""
    if not has_request_context():  # e.g. a CLI command: the default language
        return DEFAULT_LANGUAGE
    chosen = chosen_language()
    if chosen:
        return chosen
    remembered = request.cookies.get(LANGUAGE_COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    preferred = g.get("preferred_language")
    if preferred in LANGUAGES:
        return str(preferred)
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def prefer_language(language: str | None) -> None:
    """This page's language unless the reader chose one (?lang, cookie): e.g. the language a
    citizen booked in, on the pages of that booking. Call it before rendering."""
    if language in LANGUAGES:
        g.preferred_language = language
        refresh()


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else DEFAULT_LANGUAGE


def language_switch() -> dict[str, str]:
    """The other language: its code, its name in itself, and this page's URL in it."""
    other = "en" if current_language() == "da" else "da"
    args = {key: value for key, value in request.args.items(multi=True) if key != "lang"}
    query = urlencode([*args.items(), ("lang", other)])
    return {"code": other, "name": LANGUAGE_NAMES[other], "url": f"{request.path}?{query}"}


def localtime(moment: datetime | None, style: str = "datetime") -> str:
    """Jinja filter: an aware datetime in Copenhagen time, in the page's language.

    `style`: "datetime" (default), "date", "time", "day", "when", "when_short" or a Babel pattern.
    """
    if moment is None:
        return ""
    return format_moment(moment, current_language(), style)


def localday(moment: datetime) -> str:
    """Jinja filter: the weekday and date ("onsdag 25. november 2026")."""
    return format_moment(moment, current_language(), "day")


def _remember_choice(response: Response) -> Response:
    chosen = chosen_language()
    if chosen and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=LANGUAGE_COOKIE_MAX_AGE,
            secure=bool(request.is_secure or _secure_cookies()),
            httponly=True,
            samesite="Lax",
        )
    if response.mimetype in ("text/html", "application/json"):
        # The same URL answers in different languages.
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        response.headers.setdefault("Content-Language", current_language())
    return response


def _secure_cookies() -> bool:
    from flask import current_app

    return bool(current_app.config.get("SESSION_COOKIE_SECURE"))


def _template_globals() -> dict[str, Any]:
    return {"current_language": current_language(), "language_switch": language_switch}


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", COPENHAGEN.key)
    babel.init_app(app, locale_selector=select_language)
    app.after_request(_remember_choice)
    app.context_processor(_template_globals)
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(localday, "localday")
    app.add_template_filter(localized, "localized")


def error_text(exc: BookingError) -> str:
    """A domain error's message in the language of this request."""
    return exc.in_language(current_language())


def localized(record: Any, field: str) -> str:
    """Jinja filter: a record's text in the page's language (`service|localized('name')` reads
    `name_en` on English pages, `name_da` otherwise)."""
    value = getattr(record, f"{field}_{current_language()}", None)
    return str(value if value else getattr(record, f"{field}_{DEFAULT_LANGUAGE}", "") or "")
