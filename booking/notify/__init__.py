"""Notifications: what the citizen is told, written with the change and sent after it.

The transactional outbox (`outbox`: messages written in the booking's own transaction), their
words in Danish and English (`messages`), the dispatcher that claims and sends them outside
any transaction (`dispatcher`) and the worker loop around it (`worker`), the SMS and e-mail
senders chosen by configuration (`sms`, `email`), and what Twilio reports back (`delivery`).
The Twilio sender (`booking.notify.twilio_sms`) is not re-exported here: its client library is
imported only when Twilio is configured.
"""

from booking.notify.delivery import is_stop, record_delivery_status, stop_sms_reminders
from booking.notify.dispatcher import (
    DispatchReport,
    DispatchSettings,
    Senders,
    claim_due,
    dispatch_once,
)
from booking.notify.email import (
    EmailError,
    EmailSender,
    MemoryEmailSender,
    OutgoingEmail,
    email_sender_from_config,
)
from booking.notify.outbox import (
    NotifySettings,
    manage_url,
    on_booking_cancelled,
    on_booking_created,
    on_booking_rescheduled,
    stop_booking_sms_reminders,
    void_reminders,
)
from booking.notify.sms import (
    MemorySmsSender,
    SentSms,
    SmsError,
    SmsSender,
    sms_sender_from_config,
)
from booking.notify.worker import run_worker

__all__ = [
    "DispatchReport",
    "DispatchSettings",
    "EmailError",
    "EmailSender",
    "MemoryEmailSender",
    "NotifySettings",
    "OutgoingEmail",
    "MemorySmsSender",
    "Senders",
    "SentSms",
    "SmsError",
    "SmsSender",
    "claim_due",
    "dispatch_once",
    "email_sender_from_config",
    "is_stop",
    "manage_url",
    "on_booking_cancelled",
    "on_booking_created",
    "on_booking_rescheduled",
    "record_delivery_status",
    "run_worker",
    "sms_sender_from_config",
    "stop_booking_sms_reminders",
    "stop_sms_reminders",
    "void_reminders",
]
