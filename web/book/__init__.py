"""Booking without the chat and without JavaScript: /book, one server-rendered step per page."""

from flask import Blueprint

blueprint = Blueprint("book", __name__, url_prefix="/book")

from web.book import routes  # noqa: E402, F401  (registers the views on `blueprint`)
