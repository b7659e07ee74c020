"""The Twilio SMS sender, through the real `twilio` client, against a local Twilio stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from booking.notify import SmsError, sms_sender_from_config
from booking.notify.twilio_sms import TwilioSmsSender
from tests.support.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilio, Fault

TO = "+4512345678"


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


def config(fake: FakeTwilio, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM": FROM,
        "TWILIO_API_BASE_URL": fake.base_url,
        "TWILIO_TIMEOUT_SECONDS": 0.5,
        "PUBLIC_BASE_URL": "https://booking.eksempel.dk",
    }
    values.update(overrides)
    return values


def test_a_message_reaches_twilio_as_its_api_expects_it(twilio: FakeTwilio) -> None:
    sender = sms_sender_from_config(config(twilio, SMS_BACKEND=""))
    assert isinstance(sender, TwilioSmsSender)

    sent = sender.send(TO, "Husk dit videomøde æøå", reference="outbox-7")

    assert twilio.problems == []
    [request] = twilio.requests
    assert request["method"] == "POST"
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request["form"] == {
        "To": TO,
        "From": FROM,
        "Body": "Husk dit videomøde æøå",
        "StatusCallback": "https://booking.eksempel.dk/webhooks/twilio/status?ref=outbox-7",
    }
    assert sent.provider_message_id == twilio.accepted[0]["sid"]


def test_a_messaging_service_replaces_the_sender_number(twilio: FakeTwilio) -> None:
    sender = TwilioSmsSender.from_config(
        config(twilio, TWILIO_FROM="", TWILIO_MESSAGING_SERVICE_SID="MG" + "1" * 32)
    )
    sender.send(TO, "Hej")
    form = twilio.requests[0]["form"]
    assert form["MessagingServiceSid"] == "MG" + "1" * 32
    assert "From" not in form


def test_without_a_sender_or_messaging_service_the_config_is_refused(twilio: FakeTwilio) -> None:
    with pytest.raises(ValueError, match="TWILIO_FROM"):
        TwilioSmsSender.from_config(config(twilio, TWILIO_FROM=""))


def test_wrong_credentials_are_not_retried(twilio: FakeTwilio) -> None:
    sender = TwilioSmsSender.from_config(config(twilio, TWILIO_AUTH_TOKEN="wrong"))
    with pytest.raises(SmsError) as caught:
        sender.send(TO, "Hej")
    assert caught.value.retryable is False
    assert twilio.accepted == []


@pytest.mark.parametrize(("status", "retryable"), [(400, False), (429, True), (500, True)])
def test_provider_errors_say_whether_a_retry_can_help(
    twilio: FakeTwilio, status: int, retryable: bool
) -> None:
    twilio.faults.append(Fault(status=status))
    with pytest.raises(SmsError) as caught:
        TwilioSmsSender.from_config(config(twilio)).send(TO, "Hej")
    assert caught.value.retryable is retryable


def test_a_timeout_is_a_retryable_error(twilio: FakeTwilio) -> None:
    twilio.faults.append(Fault(status=201, delay=1.5))
    with pytest.raises(SmsError) as caught:
        TwilioSmsSender.from_config(config(twilio, TWILIO_TIMEOUT_SECONDS=0.3)).send(TO, "Hej")
    assert caught.value.retryable is True


def test_an_unreachable_twilio_is_a_retryable_error() -> None:
    fake = FakeTwilio().start()
    base = fake.base_url
    fake.stop()
    sender = TwilioSmsSender.from_config(config(fake, TWILIO_API_BASE_URL=base))
    with pytest.raises(SmsError) as caught:
        sender.send(TO, "Hej")
    assert caught.value.retryable is True


def test_a_sent_message_is_found_again_by_recipient_and_exact_body(twilio: FakeTwilio) -> None:
    sender = TwilioSmsSender.from_config(config(twilio))
    since = datetime.now(UTC)
    sent = sender.send(TO, "Påmindelse 1")
    sender.send(TO, "Påmindelse 2")
    sender.send("+4587654321", "Påmindelse 3")

    found = sender.find_sent(TO, "Påmindelse 1", since=since)
    assert found is not None and found.provider_message_id == sent.provider_message_id
    assert sender.find_sent(TO, "Påmindelse 3", since=since) is None
    assert sender.find_sent(TO, "Påmindelse 1", since=since + timedelta(hours=1)) is None
    lookup = twilio.requests[-1]
    assert lookup["method"] == "GET" and twilio.problems == []
