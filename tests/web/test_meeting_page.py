"""The citizen's meeting page, invite download and SMS opt-out, through the Flask test client."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import jwt
import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from booking.db import Database
from booking.meetings import LinkSettings, link_key, meeting_url
from booking.models import AuditEvent, Booking, ConsentRecord, OutboxMessage
from tests.support.clock import Clock
from tests.support.factories import (
    make_booking,
    make_caseworker,
    make_outbox_message,
    make_service,
)
from web.meeting.page import render_meeting

SECRET = "jitsi-secret-for-the-meeting-page-tests"
DOMAIN = "meet.kommune.test"
# Tuesday 1 December 2026, 10:00 in Copenhagen (09:00 UTC); the meeting opens at 9.45.
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


# Every test runs on the fixed clock, five minutes before the meeting starts.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def clock_start() -> datetime:
    return START - timedelta(minutes=5)


@pytest.fixture
def app_settings() -> dict[str, str]:
    return {
        "JITSI_DOMAIN": DOMAIN,
        "JITSI_APP_SECRET": SECRET,
        "MUNICIPALITY_PHONE": "+45 70 12 34 56",
    }


def new_booking(database: Database, **overrides: object) -> Booking:
    with database.transaction() as session:
        service = make_service(session, name_da="Jobsamtale", name_en="Job interview")
        caseworker = make_caseworker(session, services=[service], name="Mette Holm")
        fields: dict[str, object] = {"start": START}
        fields.update(overrides)
        booking = make_booking(session, service=service, caseworker=caseworker, **fields)  # type: ignore[arg-type]
        booking.service  # noqa: B018
        booking.caseworker  # noqa: B018
    return booking


def page_path(app: Flask, reference: str) -> str:
    url = meeting_url(LinkSettings.from_mapping(app.config), reference)
    return url.removeprefix(app.config["PUBLIC_BASE_URL"])


class Attributes(HTMLParser):
    """Every URL-bearing attribute and data-* attribute on the page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.data: dict[str, str] = {}
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action", "poster", "srcset") and value:
                self.urls.append(value)
            if name.startswith("data-") and value is not None:
                self.data[name] = value
            if tag == "script" and name == "src" and value:
                self.scripts.append(value)


def parse_page(html: str) -> Attributes:
    parser = Attributes()
    parser.feed(html)
    return parser


def csrf_token(html: str) -> dict[str, str]:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return {"csrf_token": found.group(1)} if found else {}


def test_a_wrong_key_or_reference_answers_404(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db)
    good = page_path(app, booking.reference)
    other_key = link_key(app.config["SECRET_KEY"], "meeting", "ZZZZ9999")

    assert client.get(good).status_code == 200
    assert client.get(f"/m/{booking.reference}/{other_key}").status_code == 404
    assert client.get(f"/m/{booking.reference}/{good[-22:-1]}x").status_code == 404
    assert client.get(f"/m/{booking.reference}/").status_code == 404
    assert client.get(f"/m/ZZZZ9999/{other_key}").status_code == 404  # right key, no such booking
    assert client.get(f"/m/{'A' * 200}/{other_key}").status_code == 404
    assert client.get(f"/m/{booking.reference}/{other_key}/invite.ics").status_code == 404


def test_inside_the_window_the_page_embeds_jitsi_with_a_member_token(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db)

    response = client.get(page_path(app, booking.reference))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse_page(html)
    assert f"https://{DOMAIN}/external_api.js" in page.scripts
    assert page.data["data-domain"] == DOMAIN
    assert page.data["data-room"] == booking.room_name
    assert page.data["data-name"] == "Anna Jensen"
    assert page.data["data-lang"] == "da"
    token = page.data["data-jwt"]
    assert jwt.get_unverified_header(token)["typ"] == "JWT"
    claims = jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience="borgerbooking",
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    assert claims["room"] == booking.room_name
    assert claims["sub"] == DOMAIN
    assert claims["context"]["user"]["affiliation"] == "member"
    assert claims["context"]["user"]["moderator"] == "false"
    assert claims["exp"] == int((booking.end_at + timedelta(minutes=30)).timestamp())


def test_the_meeting_page_only_lets_the_jitsi_domain_run_scripts_and_frames(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db)

    response = client.get(page_path(app, booking.reference))

    csp = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"] == f"'self' https://{DOMAIN}"
    assert csp["frame-src"] == f"https://{DOMAIN}"
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert f'camera=(self "https://{DOMAIN}")' in response.headers["Permissions-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_no_token_or_link_key_is_in_any_url_the_page_sends_elsewhere(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db, consents=("booking", "sms_reminders"))
    path = page_path(app, booking.reference)
    key = path.rsplit("/", 1)[1]

    html = client.get(path).get_data(as_text=True)
    page = parse_page(html)
    token = page.data["data-jwt"]

    assert token and page.urls
    for url in page.urls:
        assert token not in url
        if not url.startswith("/"):
            # The only address off our site is Jitsi's script; it carries no secrets.
            assert url == f"https://{DOMAIN}/external_api.js"
            assert key not in url and booking.reference not in url
    assert token not in response_links(html)


def response_links(html: str) -> str:
    return " ".join(re.findall(r'(?:href|src|action)="([^"]*)"', html))


def test_before_the_window_the_page_says_in_danish_and_english_when_it_opens(
    app: Flask, client: FlaskClient, db: Database, clock: Clock
) -> None:
    booking = new_booking(db)
    clock.now = START - timedelta(days=1)

    response = client.get(page_path(app, booking.reference))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mødet åbner tirsdag 1. december kl. 9.45" in html
    assert "The meeting opens" not in html  # one language at a time: the booking's (Danish)
    english = client.get(page_path(app, booking.reference) + "?lang=en").get_data(as_text=True)
    assert "The meeting opens Tuesday 1 December at 9:45" in english
    assert "Mødet åbner" not in english
    assert "external_api.js" not in html
    assert "eyJ" not in html
    assert parse_page(html).data.get("data-opens-in") == str(
        int(timedelta(hours=23, minutes=45).total_seconds())
    )


def test_the_citizen_can_test_camera_and_microphone_from_the_meeting_page(
    app: Flask, client: FlaskClient, db: Database, clock: Clock
) -> None:
    booking = new_booking(db)
    path = page_path(app, booking.reference)

    clock.now = START - timedelta(days=1)  # waiting for the meeting to open
    waiting = client.get(path).get_data(as_text=True)
    clock.now = START  # in the meeting window
    open_ = client.get(path).get_data(as_text=True)

    for html in (waiting, open_):
        assert 'href="/camera-test"' in html
        assert "Test dit kamera og din mikrofon" in html
    with app.test_request_context("/caseworker/meetings/x/start"):
        caseworker = render_meeting(booking, "caseworker", "Mette H.").get_data(as_text=True)
    assert "/camera-test" not in caseworker  # the caseworker's own equipment is not our concern
    assert client.get("/camera-test").status_code == 200


def test_the_opening_time_is_in_copenhagen_summer_time_too(
    app: Flask, client: FlaskClient, db: Database, clock: Clock
) -> None:
    booking = new_booking(db, start=datetime(2027, 6, 7, 7, 0, tzinfo=UTC))
    clock.now = datetime(2027, 6, 1, 7, 0, tzinfo=UTC)

    html = client.get(page_path(app, booking.reference)).get_data(as_text=True)

    assert "Mødet åbner mandag 7. juni kl. 8.45" in html


def test_after_the_window_the_page_says_the_meeting_has_ended(
    app: Flask, client: FlaskClient, db: Database, clock: Clock
) -> None:
    booking = new_booking(db)
    clock.now = booking.end_at + timedelta(minutes=30)

    html = client.get(page_path(app, booking.reference)).get_data(as_text=True)

    assert "Mødet er slut" in html and "The meeting has ended" not in html
    english = client.get(page_path(app, booking.reference) + "?lang=en").get_data(as_text=True)
    assert "The meeting has ended" in english and "Mødet er slut" not in english
    assert "eyJ" not in html and "external_api.js" not in html


def test_a_cancelled_booking_says_so_and_gives_no_token(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db, status="cancelled")

    response = client.get(page_path(app, booking.reference))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mødet er aflyst" in html and "The meeting has been cancelled" not in html
    english = client.get(page_path(app, booking.reference) + "?lang=en").get_data(as_text=True)
    assert "The meeting has been cancelled" in english and "Mødet er aflyst" not in english
    assert "+45 70 12 34 56" in html
    assert "eyJ" not in html and "external_api.js" not in html


def test_without_a_secret_the_room_opens_without_a_token(build_app, sqlite_url: str) -> None:
    app = build_app(sqlite_url, JITSI_DOMAIN=DOMAIN)
    booking = new_booking(app.extensions["database"])

    html = app.test_client().get(page_path(app, booking.reference)).get_data(as_text=True)

    page = parse_page(html)
    assert f"https://{DOMAIN}/external_api.js" in page.scripts
    assert page.data["data-jwt"] == ""
    assert page.data["data-room"] == booking.room_name


def test_joining_is_audited_without_personal_data(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db)

    client.get(page_path(app, booking.reference))

    with db.transaction() as session:
        events = session.scalars(select(AuditEvent)).all()
        assert [(e.actor_type, e.action, e.booking_id) for e in events] == [
            ("citizen", "meeting.join", booking.id)
        ]
        stored = repr([(e.actor_id, e.detail) for e in events])
    assert "Anna" not in stored and "+45" not in stored and booking.reference not in stored


def test_the_caseworker_start_page_gives_the_caseworker_an_owner_token(
    app: Flask, db: Database
) -> None:
    booking = new_booking(db)

    with app.test_request_context("/caseworker/meetings/x/start"):
        response = render_meeting(booking, "caseworker", "Mette H.", back_url="/caseworker")

    page = parse_page(response.get_data(as_text=True))
    claims = jwt.decode(
        page.data["data-jwt"],
        SECRET,
        algorithms=["HS256"],
        audience="borgerbooking",
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    assert claims["context"]["user"]["moderator"] == "true"
    assert claims["context"]["user"]["affiliation"] == "owner"
    assert claims["context"]["user"]["name"] == "Mette H."
    assert page.data["data-name"] == "Mette H."
    html = response.get_data(as_text=True)
    assert "Stop SMS" not in html and "invite.ics" not in html
    with pytest.raises(ValueError), app.test_request_context("/"):
        render_meeting(booking, "admin")


def test_the_invite_downloads_as_a_calendar_file(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db)
    path = page_path(app, booking.reference)

    html = client.get(path).get_data(as_text=True)
    assert f'href="{path}/invite.ics"' in html
    response = client.get(f"{path}/invite.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "method=REQUEST" in response.headers["Content-Type"]
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{booking.reference}@localhost"
    assert event.decoded("DTSTART") == START
    assert b"eyJ" not in response.data


def test_a_cancelled_booking_downloads_a_cancel(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db, status="cancelled")

    response = client.get(page_path(app, booking.reference) + "/invite.ics")

    assert response.status_code == 200
    assert Calendar.from_ical(response.data)["METHOD"] == "CANCEL"


def test_stopping_sms_reminders_withdraws_consent_and_voids_pending_reminders(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db, consents=("booking", "sms_reminders"))
    with db.transaction() as session:
        pending = make_outbox_message(session, booking=booking).id
        sent = make_outbox_message(
            session, booking=booking, status="sent", due_at=booking.start_at - timedelta(days=1)
        ).id
        confirmation = make_outbox_message(session, booking=booking, kind="confirmation").id
    path = page_path(app, booking.reference)

    page = client.get(path).get_data(as_text=True)
    assert f'href="{path}/stop-sms"' in page
    confirm = client.get(f"{path}/stop-sms").get_data(as_text=True)
    assert "Ja, stop SMS-påmindelser" in confirm
    response = client.post(f"{path}/stop-sms", data=csrf_token(confirm))

    assert response.status_code == 200
    assert "Du får ikke flere SMS-påmindelser" in response.get_data(as_text=True)
    with db.transaction() as session:
        sms = session.scalars(
            select(ConsentRecord).where(
                ConsentRecord.booking_id == booking.id, ConsentRecord.purpose == "sms_reminders"
            )
        ).one()
        assert sms.withdrawn_at is not None and sms.withdrawn_via == "web"
        statuses = {m.id: m.status for m in session.scalars(select(OutboxMessage))}
        assert statuses == {pending: "voided", sent: "sent", confirmation: "pending"}
        actions = [e.action for e in session.scalars(select(AuditEvent))]
        assert "consent.withdraw.sms_reminders" in actions
        booking_consent = session.scalars(
            select(ConsentRecord).where(ConsentRecord.purpose == "booking")
        ).one()
        assert booking_consent.withdrawn_at is None
    assert "stop-sms" not in client.get(path).get_data(as_text=True)


def test_stopping_twice_keeps_the_first_withdrawal(
    app: Flask, client: FlaskClient, db: Database, clock: Clock
) -> None:
    booking = new_booking(db, consents=("booking", "sms_reminders"))
    path = page_path(app, booking.reference)
    token = csrf_token(client.get(f"{path}/stop-sms").get_data(as_text=True))
    first_time = clock.now

    assert client.post(f"{path}/stop-sms", data=token).status_code == 200
    clock.now += timedelta(minutes=3)
    again = client.post(f"{path}/stop-sms", data=token)

    assert again.status_code == 200
    assert "Du får ikke SMS-påmindelser" in again.get_data(as_text=True)
    with db.transaction() as session:
        sms = session.scalars(
            select(ConsentRecord).where(ConsentRecord.purpose == "sms_reminders")
        ).one()
        assert sms.withdrawn_at == first_time


def test_without_sms_consent_there_is_nothing_to_stop(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db, consents=("booking",))
    path = page_path(app, booking.reference)

    assert "stop-sms" not in client.get(path).get_data(as_text=True)
    confirm = client.get(f"{path}/stop-sms")

    assert confirm.status_code == 200
    assert "Du får ikke SMS-påmindelser" in confirm.get_data(as_text=True)
    assert "<form" not in confirm.get_data(as_text=True)


def test_stopping_with_a_wrong_key_is_404_and_changes_nothing(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    booking = new_booking(db, consents=("booking", "sms_reminders"))
    path = page_path(app, booking.reference)
    confirm = client.get(f"{path}/stop-sms").get_data(as_text=True)
    wrong = link_key(app.config["SECRET_KEY"], "meeting", "OTHER123")

    response = client.post(f"/m/{booking.reference}/{wrong}/stop-sms", data=csrf_token(confirm))

    assert response.status_code == 404
    with db.transaction() as session:
        records = session.scalars(select(ConsentRecord)).all()
        assert all(r.withdrawn_at is None for r in records)


CHROMIUM = "/usr/lib/chromium/chromium"
FAKE_EXTERNAL_API = """
window.JitsiMeetExternalAPI = function (domain, options) {
  window.__jitsi = { domain: domain, options: JSON.parse(JSON.stringify(
    Object.assign({}, options, { parentNode: options.parentNode.id }))) };
  var frame = document.createElement("iframe");
  frame.src = "https://" + domain + "/" + options.roomName;
  frame.style.width = "100%";
  frame.style.height = "100%";
  options.parentNode.appendChild(frame);
  this.addListener = function () {};
};
"""


@pytest.mark.browser
def test_in_a_phone_browser_the_page_starts_jitsi_with_the_token_and_prejoin_screen(
    app: Flask, client: FlaskClient, db: Database
) -> None:
    """Chromium, phone-sized, with our pages served by the test client and Jitsi faked."""
    import os
    from urllib.parse import urlsplit

    from playwright.sync_api import Request, Route, sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (make system-deps)")
    booking = new_booking(db)
    path = page_path(app, booking.reference)
    elsewhere: list[str] = []
    script_referers: list[str | None] = []
    csp_errors: list[str] = []

    def ours(route: Route, request: Request) -> None:
        url = urlsplit(request.url)
        response = client.open(url.path, method=request.method, data=request.post_data_buffer)
        route.fulfill(
            status=response.status_code, headers=dict(response.headers), body=response.data
        )

    def jitsi(route: Route, request: Request) -> None:
        if request.url == f"https://{DOMAIN}/external_api.js":
            script_referers.append(request.headers.get("referer"))
            route.fulfill(content_type="text/javascript", body=FAKE_EXTERNAL_API)
        else:
            route.fulfill(content_type="text/html", body="<!doctype html><p>jitsi</p>")

    def anything_else(route: Route, request: Request) -> None:
        elsewhere.append(request.url)
        route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            context = browser.new_context(
                viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
            )
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    csp_errors.append(m.text) if "Content Security Policy" in m.text else None
                ),
            )
            page.route("**/*", anything_else)
            page.route(f"https://{DOMAIN}/**", jitsi)
            page.route("http://booking.test/**", ours)
            page.goto(f"http://booking.test{path}")
            page.wait_for_function("window.__jitsi !== undefined", timeout=10_000)

            started = page.evaluate("window.__jitsi")
            token_left_in_page = page.evaluate(
                "document.getElementById('jitsi-meeting').hasAttribute('data-jwt')"
            )
            scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
            frame_box = page.locator("#jitsi-meeting iframe").bounding_box()
        finally:
            browser.close()

    options = started["options"]
    assert started["domain"] == DOMAIN
    assert options["roomName"] == booking.room_name
    assert (
        jwt.decode(
            options["jwt"],
            SECRET,
            algorithms=["HS256"],
            audience="borgerbooking",
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )["room"]
        == booking.room_name
    )
    assert options["userInfo"] == {"displayName": "Anna Jensen"}
    assert options["lang"] == "da"
    assert options["configOverwrite"]["prejoinConfig"] == {"enabled": True}
    assert options["configOverwrite"]["disableDeepLinking"] is True
    assert token_left_in_page is False
    assert script_referers == [None]  # the link key in our address is not sent to Jitsi
    assert elsewhere == [] and csp_errors == []
    assert scroll_width <= 360  # no sideways scrolling on a phone
    assert frame_box is not None and frame_box["width"] >= 300 and frame_box["height"] >= 300
