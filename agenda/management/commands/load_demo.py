import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.urls import reverse

from agenda import demo
from agenda.models import Conference, Forum, Partner, Room, Speaker, Talk, TalkSpeaker

DEMO_USERNAME = "organizer"
DEMO_PASSWORD = "gotc-demo-2023"  # noqa: S105 - a local demo account, refused when DEBUG is off


def upsert(model: type[models.Model], lookup: dict, values: dict, counts: dict) -> models.Model:
    """Create or update one row, writing only when something differs (idempotent re-runs)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        counts["created"] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save()
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return obj


TRANSLATED_CONFERENCE_FIELDS = ("name", "tagline", "description", "venue", "address")


def bilingual(english: dict, chinese: dict) -> dict:
    """``<field>_en`` / ``<field>_zh_hans`` values of the conference's translated fields."""
    values = {}
    for name in TRANSLATED_CONFERENCE_FIELDS:
        values[f"{name}_en"] = english[name]
        values[f"{name}_zh_hans"] = chinese[name]
    return values


class Command(BaseCommand):
    help = (
        "Load the GOTC 2023 demo program (27–28 May 2023, Zhangjiang Science Hall, Shanghai): "
        "every forum, talk and speaker of the announcement. The announcement gives no times or "
        "rooms, so those are illustrative. The demo keeps the real 2023 dates but keeps its "
        "registration open (closing in 2100) so that a demo can register people. "
        "Idempotent: a second run changes nothing. With --organizer, also ensures a demo "
        "organizer login (only with DEBUG on: never in production)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organizer",
            action="store_true",
            help=f"ensure the demo organizer account ({DEMO_USERNAME}) and print its login",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if options["organizer"] and not settings.DEBUG:
            raise CommandError(
                "The demo organizer account is for local demos only; refusing with DEBUG off."
            )
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        conference = upsert(
            Conference,
            {"slug": demo.CONFERENCE["slug"]},
            {
                **{
                    k: v
                    for k, v in demo.CONFERENCE.items()
                    if k != "slug" and k not in TRANSLATED_CONFERENCE_FIELDS
                },
                **bilingual(demo.CONFERENCE, demo.ZH["conference"]),
                "registration_opens": dt.datetime(
                    2023, 4, 1, tzinfo=Conference(time_zone=demo.CONFERENCE["time_zone"]).tzinfo
                ),
                "registration_closes": demo.REGISTRATION_CLOSES.replace(
                    tzinfo=Conference(time_zone=demo.CONFERENCE["time_zone"]).tzinfo
                ),
            },
            counts,
        )
        tz = conference.tzinfo
        self.load_partners(conference, counts)
        rooms = {
            key: upsert(
                Room,
                {"conference": conference, "name_en": name},
                {"seats": seats, "position": position, "name_zh_hans": demo.ZH["rooms"][key]},
                counts,
            )
            for key, name, seats, position in demo.ROOMS
        }
        speakers = {
            slug: upsert(
                Speaker,
                {"conference": conference, "slug": slug},
                {
                    "name_en": name,
                    "job_title_en": job_title,
                    "organization_en": organization,
                    "job_title_zh_hans": demo.ZH["speakers"][slug][0],
                    "organization_zh_hans": demo.ZH["speakers"][slug][1],
                },
                counts,
            )
            for slug, (name, job_title, organization) in demo.SPEAKERS.items()
        }

        def at(day: int, hhmm: str) -> dt.datetime:
            hour, minute = (int(part) for part in hhmm.split(":"))
            date = conference.start_date + dt.timedelta(days=day - 1)
            return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=tz)

        for position, spec in enumerate(demo.FORUMS):
            room = rooms[spec["room"]]
            forum = upsert(
                Forum,
                {"conference": conference, "slug": spec["slug"]},
                {
                    "title_en": spec["title"],
                    "title_zh_hans": demo.ZH["forums"][spec["slug"]][0],
                    "kind": spec["kind"],
                    "description_en": spec["description"],
                    "description_zh_hans": demo.ZH["forums"][spec["slug"]][1],
                    "room": room,
                    "starts_at": at(spec["day"], spec["start"]),
                    "ends_at": at(spec["day"], spec["end"]),
                    "capacity": room.seats,
                    "position": position,
                },
                counts,
            )
            for talk_spec in spec["talks"]:
                talk = upsert(
                    Talk,
                    {"conference": conference, "slug": talk_spec["slug"]},
                    {
                        "forum": forum,
                        "title_en": talk_spec["title"],
                        "title_zh_hans": demo.ZH["talks"][talk_spec["slug"]][0],
                        "kind": talk_spec["kind"],
                        "abstract_en": talk_spec["abstract"],
                        "abstract_zh_hans": demo.ZH["talks"][talk_spec["slug"]][1],
                        "starts_at": at(spec["day"], talk_spec["start"]),
                        "ends_at": at(spec["day"], talk_spec["end"]),
                    },
                    counts,
                )
                for order, speaker_slug in enumerate(talk_spec["speakers"]):
                    upsert(
                        TalkSpeaker,
                        {"talk": talk, "speaker": speakers[speaker_slug]},
                        {"position": order},
                        counts,
                    )

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo program {conference.name}: {counts['created']} created, "
                f"{counts['updated']} updated, {counts['unchanged']} unchanged."
            )
        )
        if options["organizer"]:
            self.ensure_organizer()

    def load_partners(self, conference: Conference, counts: dict) -> None:
        """The hosts, each with its wordmark copied from static/gotc/demo/ into the media
        storage (where an organizer's upload would be) once."""
        for position, (filename, kind, name, name_zh) in enumerate(demo.PARTNERS):
            partner = upsert(
                Partner,
                {"conference": conference, "name_en": name},
                {"name_zh_hans": name_zh, "kind": kind, "position": position},
                counts,
            )
            if not partner.logo:
                with open(finders.find(f"gotc/demo/{filename}"), "rb") as logo:
                    partner.logo.save(filename, File(logo))

    def ensure_organizer(self) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "organizer@example.org"}
        )
        if created or not user.check_password(DEMO_PASSWORD) or not user.is_staff:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = True
            user.save()
        group = Group.objects.filter(name="Organizers").first()
        if group is None:
            raise CommandError("The Organizers group is missing: run `manage.py migrate` first.")
        user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organizer login: username “{DEMO_USERNAME}”, password “{DEMO_PASSWORD}” "
                f"at {settings.SITE_URL.rstrip('/')}{reverse('admin:index')}"
            )
        )
