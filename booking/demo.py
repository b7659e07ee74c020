"""Demo data for `flask --app web seed-demo`: three services, caseworkers, consent texts."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.bookings import new_manage_token, new_reference
from booking.meetings import room_for
from booking.models import (
    Booking,
    BookingStatus,
    Caseworker,
    Channel,
    ConsentText,
    Role,
    Service,
    WorkingHours,
    utcnow,
)
from booking.privacy import ConsentGiven, active_texts, publish_text, record_consents
from booking.staff import create_user, find_user_by_email

SERVICES = [
    {
        "code": "jobcenter",
        "name_da": "Samtale med Jobcenter",
        "name_en": "Meeting with the jobcentre",
        "description_da": "Videosamtale med din sagsbehandler om job, ledighed og aktivering.",
        "description_en": "Video meeting with your caseworker about work, unemployment "
        "and activation.",
        "duration_minutes": 30,
        "buffer_minutes": 10,
        "slot_step_minutes": 30,
        "min_notice_minutes": 240,
        "horizon_days": 42,
        "retention_days": 180,
        "modes": ["video", "phone", "in_person"],
        "address_da": "Jobcentret, Rådhuspladsen 1, stueetagen",
        "address_en": "The jobcentre, Rådhuspladsen 1, ground floor",
        "directions_da": "Indgang ved hovedtrappen; meld dig i receptionen.",
        "directions_en": "Enter by the main stairs and check in at the reception.",
    },
    {
        "code": "sundhedspleje",
        "name_da": "Sundhedsplejerske",
        "name_en": "Health visitor",
        "description_da": "Videosamtale med sundhedsplejersken om dit barns trivsel, amning, "
        "søvn og udvikling.",
        "description_en": "Video meeting with the health visitor about your child's well-being, "
        "feeding, sleep and development.",
        "duration_minutes": 45,
        "buffer_minutes": 15,
        "slot_step_minutes": 15,
        "min_notice_minutes": 120,
        "horizon_days": 56,
        "retention_days": 90,
        "modes": ["video", "phone", "in_person"],
        "address_da": "Sundhedsplejen, Sundhedshuset, Vestergade 5, 1. sal",
        "address_en": "Health visitors, Sundhedshuset, Vestergade 5, 1st floor",
        "directions_da": "Der er elevator og plads til barnevogne i gården.",
        "directions_en": "There is a lift, and room for prams in the courtyard.",
    },
    {
        "code": "fysioterapi",
        "name_da": "Genoptræning med fysioterapeut",
        "name_en": "Rehabilitation with a physiotherapist",
        "description_da": "Genoptræning på video med en af kommunens fysioterapeuter.",
        "description_en": "Rehabilitation training on video with one of the municipality's "
        "physiotherapists.",
        "duration_minutes": 45,
        "buffer_minutes": 15,
        "slot_step_minutes": 15,
        "min_notice_minutes": 120,
        "horizon_days": 56,
        "retention_days": 90,
        "modes": ["video", "in_person"],
        "address_da": "Træningscentret, Sportsvej 3",
        "address_en": "The training centre, Sportsvej 3",
        "directions_da": "Tag skiftetøj med. Parkering bag hallen.",
        "directions_en": "Bring a change of clothes. Parking behind the hall.",
    },
]

# (name, e-mail, title, services, Friday end hour)
CASEWORKERS = [
    ("Mette Jensen", "mette.jensen@example.dk", "Jobkonsulent", ["jobcenter"], 13),
    ("Lars Nielsen", "lars.nielsen@example.dk", "Sagsbehandler", ["jobcenter"], 14),
    ("Aisha Hansen", "aisha.hansen@example.dk", "Jobkonsulent", ["jobcenter"], 13),
    ("Signe Pedersen", "signe.pedersen@example.dk", "Sundhedsplejerske", ["sundhedspleje"], 13),
    ("Birgitte Holm", "birgitte.holm@example.dk", "Sundhedsplejerske", ["sundhedspleje"], 13),
    ("Jonas Møller", "jonas.moller@example.dk", "Fysioterapeut", ["fysioterapi"], 14),
    ("Camilla Berg", "camilla.berg@example.dk", "Fysioterapeut", ["fysioterapi"], 14),
]

CONSENT_TEXTS = {
    ("booking", "da"): (
        "Når du booker et videomøde, behandler kommunen dit navn, dit telefonnummer, din "
        "e-mail (hvis du oplyser den) og tidspunktet for mødet for at kunne holde mødet med "
        "dig. Det sker som led i kommunens myndighedsudøvelse (databeskyttelsesforordningens "
        "art. 6, stk. 1, litra e). Mødet optages ikke. Oplysningerne slettes automatisk, når "
        "opbevaringsperioden for mødetypen er udløbet. Du kan altid vælge et fysisk møde i "
        "stedet, se, eksportere og slette dine oplysninger via linket i din bekræftelse, og "
        "klage til Datatilsynet."
    ),
    ("booking", "en"): (
        "When you book a video meeting, the municipality processes your name, your phone "
        "number, your e-mail (if you give it) and the time of the meeting in order to hold the "
        "meeting with you. This is part of the municipality's exercise of official authority "
        "(GDPR art. 6(1)(e)). The meeting is not recorded. The data is deleted automatically "
        "when the retention period for the meeting type has passed. You can always choose an "
        "in-person meeting instead, see, export and delete your data through the link in your "
        "confirmation, and complain to the Danish Data Protection Agency (Datatilsynet)."
    ),
    ("sms_reminders", "da"): (
        "Ja tak, send mig påmindelser om mødet på SMS (dagen før og en time før). Du kan til "
        "enhver tid trække samtykket tilbage via linket i din bekræftelse eller ved at svare "
        "STOP."
    ),
    ("sms_reminders", "en"): (
        "Yes, send me reminders about the meeting by SMS (the day before and one hour before). "
        "You can withdraw this consent at any time through the link in your confirmation or by "
        "replying STOP."
    ),
    ("chat_transcript", "da"): (
        "Du må gemme min samtale med chatassistenten, herunder mine personoplysninger, så "
        "kommunen kan forbedre assistenten. Uden dit samtykke gemmes samtalen kun uden "
        "personoplysninger. Du kan trække samtykket tilbage når som helst."
    ),
    ("chat_transcript", "en"): (
        "You may keep my conversation with the chat assistant, including my personal data, so "
        "the municipality can improve the assistant. Without your consent the conversation is "
        "kept only without personal data. You can withdraw this consent at any time."
    ),
}


def seed_demo(session: Session) -> bool:
    """Load the demo data once. Returns False (and changes nothing) if it is already there."""
    if session.scalar(select(Service).limit(1)) is not None:
        return False
    services = {spec["code"]: Service(**spec) for spec in SERVICES}
    session.add_all(services.values())
    for name, email, title, codes, friday_end in CASEWORKERS:
        caseworker = Caseworker(name=name, email=email, title=title)
        caseworker.services = [services[c] for c in codes]
        caseworker.working_hours = _weekly_hours(friday_end)
        session.add(caseworker)
    if session.scalar(select(ConsentText).limit(1)) is None:
        for (purpose, language), text in CONSENT_TEXTS.items():
            publish_text(session, purpose=purpose, language=language, text=text)
    session.flush()
    return True


# In-person meetings only on office days (Tuesday, Thursday, Friday); video and phone every day.
OFFICE_DAYS = (1, 3, 4)
REMOTE = ["video", "phone"]


def _weekly_hours(friday_end: int) -> list[WorkingHours]:
    hours = []
    for weekday in range(4):
        modes = None if weekday in OFFICE_DAYS else REMOTE
        for start, end in ((time(8, 30), time(12, 0)), (time(12, 30), time(15, 30))):
            hours.append(WorkingHours(weekday=weekday, start_time=start, end_time=end, modes=modes))
    hours.append(WorkingHours(weekday=4, start_time=time(8, 30), end_time=time(friday_end, 0)))
    return hours


# Known passwords for the demo logins: development only (printed by `seed-demo`).
DEMO_CASEWORKER_PASSWORD = "demo-sagsbehandler"  # noqa: S105 - demo data only
DEMO_ADMIN_EMAIL = "admin@example.dk"
DEMO_ADMIN_PASSWORD = "demo-administrator"  # noqa: S105 - demo data only


def seed_demo_users(session: Session, now: datetime | None = None) -> list[tuple[str, str]]:
    """One login per demo caseworker plus an admin, each with a known demo password.

    Logins that already exist are left as they are. Returns every demo (e-mail, password).
    """
    moment = now or utcnow()
    logins: list[tuple[str, str]] = []
    for caseworker in session.scalars(select(Caseworker).order_by(Caseworker.id)):
        if caseworker.email not in {c[1] for c in CASEWORKERS}:
            continue
        if find_user_by_email(session, caseworker.email) is None:
            create_user(
                session,
                email=caseworker.email,
                password=DEMO_CASEWORKER_PASSWORD,
                role=Role.CASEWORKER.value,
                caseworker_id=caseworker.id,
                now=moment,
            )
        logins.append((caseworker.email, DEMO_CASEWORKER_PASSWORD))
    if find_user_by_email(session, DEMO_ADMIN_EMAIL) is None:
        create_user(
            session,
            email=DEMO_ADMIN_EMAIL,
            password=DEMO_ADMIN_PASSWORD,
            role=Role.ADMIN.value,
            now=moment,
        )
    logins.append((DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD))
    return logins


# Made-up citizens for the demo caseworker's day (never real people).
DEMO_CITIZENS = [
    ("Karen Demo", "+4520000001", "karen.demo@example.dk", "da", ["booking", "sms_reminders"]),
    ("Ahmad Demo", "+4520000002", None, "da", ["booking"]),
    ("Emma Demo", "+4520000003", "emma.demo@example.dk", "en", ["booking", "sms_reminders"]),
    ("Jens Demo", "+4520000004", None, "da", ["booking"]),
]
# Offsets from the current half hour, in minutes: one meeting earlier today, one soon (its
# meeting room is already open), two later, and one tomorrow.
DEMO_MEETING_OFFSETS = [-120, 10, 150, 240, 24 * 60 + 30]
DEMO_MEETING_MODES = ["video", "video", "phone", "in_person", "video"]


def seed_demo_meetings(session: Session, now: datetime) -> int:
    """Give the first demo caseworker a day of jobcentre meetings around `now` (development).

    Written directly (the booking rules would refuse times this close to now); consents are
    recorded against the active texts. Does nothing once the caseworker has any meeting.
    Returns how many meetings were created.
    """
    caseworker = session.scalar(select(Caseworker).where(Caseworker.email == CASEWORKERS[0][1]))
    service = session.scalar(select(Service).where(Service.code == "jobcenter"))
    if caseworker is None or service is None:
        return 0
    if session.scalar(select(Booking.id).where(Booking.caseworker_id == caseworker.id)):
        return 0
    base = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)
    for i, offset in enumerate(DEMO_MEETING_OFFSETS):
        name, phone, email, language, purposes = DEMO_CITIZENS[i % len(DEMO_CITIZENS)]
        start = base + timedelta(minutes=offset)
        mode = DEMO_MEETING_MODES[i]
        booking = Booking(
            reference=new_reference(),
            service=service,
            caseworker=caseworker,
            start_at=start,
            end_at=start + timedelta(minutes=service.duration_minutes),
            status=BookingStatus.COMPLETED.value if offset < 0 else BookingStatus.CONFIRMED.value,
            citizen_name=name,
            citizen_phone=phone,
            citizen_email=email,
            language=language,
            channel=Channel.WEB.value,
            mode=mode,
            room_name=room_for(mode),
            manage_token_hash=new_manage_token()[1],
            created_at=now,
            updated_at=now,
        )
        session.add(booking)
        versions = {t.purpose: t.version for t in active_texts(session, language)}
        record_consents(
            session,
            booking,
            [ConsentGiven(p, versions[p]) for p in purposes],
            channel=Channel.WEB.value,
            now=now - timedelta(days=3),
        )
    session.flush()
    return len(DEMO_MEETING_OFFSETS)
