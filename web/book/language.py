"""The language of the /book pages: the page's language (Flask-Babel), also the booking's."""

from web.i18n import current_language as page_language

__all__ = ["page_language"]
