"""Twilio's callbacks: delivery statuses and incoming SMS (STOP), both signed by Twilio.

A request counts only when its `X-Twilio-Signature` matches the public URL Twilio called
(PUBLIC_BASE_URL + path + query) and the form, and its AccountSid is ours; otherwise 403.

Only refused requests count against `RATELIMIT_WEBHOOKS` (per client address): a sender of
forged or stale signatures is stopped with 429, while Twilio's own callbacks, however many a
busy hour brings, do not count (with TRUSTED_PROXIES set right, so that Twilio and a forger do
not share a proxy's address).
"""

from __future__ import annotations

import hmac

from flask import Response, abort, current_app, request
from twilio.request_validator import RequestValidator

from booking.notify import is_stop, record_delivery_status, stop_sms_reminders
from web.extensions import get_db, now
from web.ratelimits import limit_of, limiter
from web.webhooks import blueprint

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _public_url() -> str:
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    query = request.query_string.decode("utf-8")
    return f"{base}{request.path}" + (f"?{query}" if query else "")


def _verify_twilio() -> None:
    config = current_app.config
    token = str(config.get("TWILIO_AUTH_TOKEN") or "")
    account = str(config.get("TWILIO_ACCOUNT_SID") or "")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not account or not signature:
        abort(403)
    params = request.form.to_dict(flat=True)
    if not RequestValidator(token).validate(_public_url(), params, signature):
        abort(403)
    if not hmac.compare_digest(params.get("AccountSid", "").encode(), account.encode()):
        abort(403)


def _refused(response: Response) -> bool:
    return response.status_code == 403


_webhook_limit = limiter.shared_limit(
    lambda: limit_of("RATELIMIT_WEBHOOKS"), scope="webhooks", deduct_when=_refused
)


@blueprint.post("/webhooks/twilio/status")
@_webhook_limit
def twilio_status() -> Response:
    _verify_twilio()
    sid = request.form.get("MessageSid") or request.form.get("SmsSid") or ""
    status = request.form.get("MessageStatus") or request.form.get("SmsStatus") or ""
    if not sid or not status:
        abort(400)
    with get_db().transaction() as session:
        record_delivery_status(
            session,
            provider_message_id=sid[:100],
            status=status[:30],
            error_code=(request.form.get("ErrorCode") or None),
            reference=request.args.get("ref"),
            now=now(),
        )
    return Response(status=204)


@blueprint.post("/webhooks/twilio/inbound")
@_webhook_limit
def twilio_inbound() -> Response:
    _verify_twilio()
    phone = request.form.get("From", "")
    if phone and is_stop(request.form.get("Body", ""), request.form.get("OptOutType")):
        with get_db().transaction() as session:
            stop_sms_reminders(session, phone[:20], now=now(), via="sms_stop")
    return Response(EMPTY_TWIML, mimetype="text/xml")
