"""POST /bookings/lookup (202 always) and POST /bookings/lookup/confirm → a new manage token."""

from __future__ import annotations

from typing import Any

from booking import bookings as services
from web.api import blueprint
from web.api.auth import lookup_limit
from web.api.validation import json_body, required_string
from web.extensions import get_db, get_sms_sender, now


@blueprint.post("/bookings/lookup")
@lookup_limit
def start_lookup() -> Any:
    body = json_body()
    reference = required_string(body, "reference", max_length=40)
    phone = required_string(body, "phone", max_length=40)
    services.start_lookup(get_db(), reference, phone, now=now(), sms_sender=get_sms_sender())
    return {
        "message": "Hvis oplysningerne passer, sender vi en kode på SMS. / "
        "If the details match, we send a code by SMS."
    }, 202


@blueprint.post("/bookings/lookup/confirm")
@lookup_limit
def confirm_lookup() -> Any:
    body = json_body()
    reference = required_string(body, "reference", max_length=40)
    code = required_string(body, "code", max_length=20)
    token = services.confirm_lookup(get_db(), reference, code, now=now())
    return {"manage_token": token}, 200, {"Cache-Control": "no-store"}
