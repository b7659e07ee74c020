"""SMS and e-mail texts: Danish and English, GSM-7, one segment where the content allows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.notify import messages
from booking.notify.messages import MessageContext, format_when, gsm7_length, is_gsm7, sms_segments

# A realistic meeting link: public address + /m/<reference>/<22-character key>.
MEETING_URL = "https://booking.eksempel.dk/m/AB12CD34/" + "k" * 22
MANAGE_URL = "https://booking.eksempel.dk/booking/AB12CD34?token=" + "t" * 43


def ctx(language: str = "da", **overrides: object) -> MessageContext:
    fields: dict[str, object] = {
        "municipality_name": "Eksempel Kommune",
        "municipality_phone": "+45 70 12 34 56",
        "language": language,
        # 1 Dec 2026 09:00 UTC = 10:00 in Copenhagen (winter time), a Tuesday.
        "start_at": datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        "meeting_url": MEETING_URL,
        "service_name": "Jobcenter",
    }
    fields.update(overrides)
    return MessageContext(**fields)  # type: ignore[arg-type]


def test_danish_time_format_reads_like_a_danish_letter() -> None:
    assert format_when(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), "da") == "tirsdag 1. dec. kl. 10.00"


def test_summer_time_is_shown_in_copenhagen_time() -> None:
    # 7 May 2026 07:30 UTC is 09:30 CEST.
    when = datetime(2026, 5, 7, 7, 30, tzinfo=UTC)
    assert format_when(when, "da") == "torsdag 7. maj kl. 09.30"
    assert format_when(when, "en") == "Thursday 7 May at 09:30"


def test_danish_letters_are_gsm7_and_count_once() -> None:
    assert is_gsm7("æøåÆØÅ")
    assert gsm7_length("æøåÆØÅ") == 6


def test_extension_characters_count_twice_and_emoji_force_ucs2() -> None:
    assert gsm7_length("€[]") == 6
    assert not is_gsm7("møde 🙂")
    assert sms_segments("ā" * 71) == 2


def test_segment_counting_follows_the_160_and_153_rule() -> None:
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("kind", ["confirmation", "reminder", "change", "cancellation"])
def test_every_sms_fits_one_gsm7_segment(kind: str, language: str) -> None:
    text = messages.sms_text(kind, ctx(language))
    assert is_gsm7(text), text
    assert gsm7_length(text) <= 160, (len(text), text)


@pytest.mark.parametrize("language", ["da", "en"])
def test_confirmation_with_the_manage_link_fits_two_segments(language: str) -> None:
    text = messages.sms_text("confirmation", ctx(language, manage_url=MANAGE_URL))
    assert MANAGE_URL in text
    assert is_gsm7(text)
    assert sms_segments(text) == 2


def test_reminder_carries_time_and_link_and_sender_but_no_case_details() -> None:
    text = messages.sms_text("reminder", ctx("da"))
    assert text.startswith("Eksempel Kommune:")
    assert "tirsdag 1. dec. kl. 10.00" in text
    assert MEETING_URL in text
    assert "Jobcenter" not in text


def test_english_bookings_get_english_texts() -> None:
    text = messages.sms_text("change", ctx("en"))
    assert "moved to Tuesday 1 Dec at 10:00" in text


def test_cancellation_sms_gives_the_phone_number_not_the_meeting_link() -> None:
    text = messages.sms_text("cancellation", ctx("da"))
    assert "aflyst" in text and "+45 70 12 34 56" in text
    assert MEETING_URL not in text


def test_manage_link_is_only_in_the_confirmation() -> None:
    assert MANAGE_URL not in messages.sms_text("reminder", ctx(manage_url=MANAGE_URL))
    assert MANAGE_URL in messages.email_text("confirmation", ctx(manage_url=MANAGE_URL))


def test_email_texts_name_the_service_and_the_time() -> None:
    body = messages.email_text("confirmation", ctx("da"))
    assert "Jobcenter" in body and "tirsdag 1. dec. kl. 10.00" in body and MEETING_URL in body
    subject = messages.email_subject("cancellation", ctx("en"))
    assert subject == "Eksempel Kommune: Cancelled: video meeting Tuesday 1 Dec at 10:00"
