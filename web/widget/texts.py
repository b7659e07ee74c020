"""The widget's own texts (buttons, labels, notices), in each language from the catalogues."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


def _texts() -> dict[str, str]:
    return {
        "launcher": _("Chat with us"),
        "title": _("Chat with the municipality"),
        "close": _("Close the chat"),
        "restart": _("Start over"),
        "restarted": _("A new conversation has started."),
        "book_without_chat": _("Book without chat"),
        "privacy": _("Never write your CPR number in the chat."),
        "privacy_link": _("How we handle the conversation"),
        "log_label": _("Conversation"),
        "input_label": _("Your message"),
        "send": _("Send"),
        "typing": _("The assistant is writing …"),
        "failed": _("The message could not be sent."),
        "retry": _("Try again"),
        "you_said": _("You:"),
        "bot_said": _("Assistant:"),
        "choices": _("Choices"),
        "chosen": _("(chosen)"),
        "image_alt": _("Picture from the assistant"),
        # the optional chat_transcript consent: a switch the citizen may turn on or off any time
        "transcript_switch": _("Keep this conversation (optional)"),
        "transcript_kept": _("Keep the conversation"),
        "transcript_dropped": _("Do not keep the conversation"),
    }


def widget_texts() -> dict[str, dict[str, str]]:
    """Every text of the widget, per language, so it can switch without asking again."""
    texts = {}
    for language, name in LANGUAGE_NAMES.items():
        with force_locale(language):
            texts[language] = {**_texts(), "language_name": name}
    return texts
