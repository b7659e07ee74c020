"""The message catalogues for code that runs without Flask (SMS, e-mails, domain errors).

The web pages and this module read the same catalogues, `web/translations/<language>/
LC_MESSAGES/messages.mo` (compiled from the `.po` files at set-up). Message ids are the English
source text; Danish is the default language.

- `translate(language, "Your meeting is on %(when)s", when=...)`: one text in one language.
- `N_("...")`: marks a text for extraction where it is defined and translated later (a domain
  error's message, a table of texts).
- `format_moment(moment, language)`: a date and time as readers of the language expect them,
  in Copenhagen time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.support import NullTranslations, Translations
from babel.units import format_unit

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
CATALOGUES = Path(__file__).resolve().parent.parent / "web" / "translations"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def language_or_default(language: str | None) -> str:
    """`language` when it is one we write in ("en", "en-GB" → "en"), Danish otherwise."""
    primary = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    """The compiled catalogue of `language` (the default language's for any other)."""
    language = language_or_default(language)
    catalogue = CATALOGUES / language / "LC_MESSAGES" / "messages.mo"
    if language != "en" and not catalogue.exists():
        # English needs no catalogue (msgid = msgstr); any other language silently falling
        # back to English would be a deployment error.
        raise RuntimeError(f"{catalogue} is missing: run `make translations`")
    return Translations.load(str(CATALOGUES), [language], domain="messages")


class Text(str):
    """A message id marked with `N_`: translated when shown, also as another text's value."""

    __slots__ = ()


def translate(language: str | None, message: str, **variables: Any) -> str:
    """`message` (an English msgid) in `language`, with `%(name)s` placeholders filled in.

    Values that are themselves marked texts (`N_("Monday")`) are translated too, and a
    `timedelta` is written as a duration ("2 timer", "90 minutes").
    """
    language = language_or_default(language)
    catalogue = translations(language)
    text = catalogue.gettext(message)
    if not variables:
        return text
    values = {name: _value(value, language) for name, value in variables.items()}
    return text % values


def _value(value: Any, language: str) -> Any:
    if isinstance(value, Text):
        return translations(language).gettext(value)
    if isinstance(value, timedelta):
        return format_duration(value, language)
    return value


def format_duration(duration: timedelta, language: str | None) -> str:
    """Whole hours as hours ("1 time", "24 hours"), anything else in minutes ("90 minutter")."""
    minutes = int(duration.total_seconds() // 60)
    unit, amount = (
        ("duration-hour", minutes // 60) if minutes % 60 == 0 else ("duration-minute", minutes)
    )
    locale = BABEL_LOCALES[language_or_default(language)]
    return format_unit(amount, unit, length="long", locale=locale)


def N_(message: str) -> Text:  # noqa: N802 - the conventional name extraction tools look for
    """Marks `message` for extraction without translating it (it is translated when shown)."""
    return Text(message)


# Named formats per language. English uses British conventions (day before month, 24-hour
# clock), as readers in Denmark expect.
FORMATS = {
    "da": {
        "date": "dd.MM.y",
        "time": "HH.mm",
        "datetime": "dd.MM.y HH.mm",
        "day": "EEEE d. MMMM y",
        "when": "EEEE d. MMMM 'kl.' H.mm",
        "when_short": "EEEE d. MMM 'kl.' HH.mm",
    },
    "en": {
        "date": "dd/MM/y",
        "time": "HH:mm",
        "datetime": "dd/MM/y HH:mm",
        "day": "EEEE d MMMM y",
        "when": "EEEE d MMMM 'at' H:mm",
        "when_short": "EEEE d MMM 'at' HH:mm",
    },
}
BABEL_LOCALES = {"da": "da_DK", "en": "en_GB"}


def format_moment(moment: datetime, language: str | None, style: str = "datetime") -> str:
    """`moment` in Copenhagen time as readers of `language` expect it.

    `style` names a format of `FORMATS` ("date", "time", "datetime", "day", "when",
    "when_short") or is a Babel (CLDR) pattern.
    """
    language = language_or_default(language)
    pattern = FORMATS[language].get(style, style)
    return format_datetime(moment, pattern, tzinfo=COPENHAGEN, locale=BABEL_LOCALES[language])
