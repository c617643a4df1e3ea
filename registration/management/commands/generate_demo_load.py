import datetime as dt
import itertools

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from agenda.enums import ForumKind, TalkKind
from agenda.models import Conference, Forum, Room, Speaker, Talk, TalkSpeaker
from registration.enums import PickStatus
from registration.loadprogram import two_free_slots
from registration.models import ForumPick, Registration
from registration.tickets import new_ticket_code

KINDS = [ForumKind.TOPIC, ForumKind.FEATURED, ForumKind.THEMATIC, ForumKind.FLASH]


class Command(BaseCommand):
    help = (
        "Generate a load-test conference (slug 'load' by default): a program of N forums in "
        "parallel rooms over two days, talks and speakers, and M registrations with picks. "
        "Replaces an earlier "
        "conference with the same slug. For benchmarks only: the load conference is published "
        "and dated in the future, so it becomes the site's current conference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--registrations", type=int, default=1000)
        parser.add_argument("--forums", type=int, default=10)
        parser.add_argument("--talks", type=int, default=80)
        parser.add_argument("--speakers", type=int, default=40)
        parser.add_argument("--capacity", type=int, default=0, help="seats per forum (0: plenty)")
        parser.add_argument("--slug", default="load")

    def handle(self, *args, **options):
        for name in ("registrations", "forums", "talks", "speakers"):
            if options[name] < 0 or (name == "forums" and options[name] < 1):
                raise CommandError(f"--{name} must be positive.")
        with transaction.atomic():
            old = Conference.objects.filter(slug=options["slug"])
            ForumPick.objects.filter(registration__conference__in=old).delete()
            Registration.objects.filter(conference__in=old).delete()
            old.delete()
            start = timezone.localdate() + dt.timedelta(days=30)
            conference = Conference.objects.create(
                slug=options["slug"],
                name=f"GOTC load test ({options['slug']})",
                tagline="Global Open-source Technology Conference",
                description="A generated program for load tests.",
                start_date=start,
                end_date=start + dt.timedelta(days=1),
                time_zone="Asia/Shanghai",
                venue="Zhangjiang Science Hall",
                address="Pudong New Area, Shanghai",
                registration_opens=timezone.now() - dt.timedelta(days=7),
                is_published=True,
            )
            forums = self._program(conference, options)
        self._registrations(conference, forums, options["registrations"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{conference.slug}: {len(forums)} forums, {options['talks']} talks, "
                f"{options['speakers']} speakers, {options['registrations']} registrations."
            )
        )

    def _program(self, conference, options):
        count = options["forums"]
        per_slot = 3
        seats = options["capacity"] or max(options["registrations"], 100)
        rooms = [
            Room.objects.create(
                conference=conference, name=f"Room {i + 1}", seats=seats, position=i
            )
            for i in range(per_slot)
        ]
        slots = [(1, dt.time(9)), (1, dt.time(14)), (2, dt.time(9)), (2, dt.time(14))]
        forums = []
        for index in range(count):
            day, start = slots[(index // per_slot) % len(slots)]
            rounds = index // (per_slot * len(slots))
            starts_at = conference.local_datetime(
                conference.start_date + dt.timedelta(days=day - 1), start
            ) + dt.timedelta(minutes=20 * rounds)
            duration = dt.timedelta(hours=3) if not rounds else dt.timedelta(minutes=10)
            forums.append(
                Forum.objects.create(
                    conference=conference,
                    room=rooms[index % per_slot],
                    title=f"Forum {index + 1}",
                    slug=f"forum-{index + 1}",
                    kind=KINDS[index % len(KINDS)],
                    description="Talks and discussion.",
                    starts_at=starts_at,
                    ends_at=starts_at + duration,
                    capacity=seats,
                    position=index,
                )
            )
        speakers = [
            Speaker.objects.create(
                conference=conference,
                name=f"Speaker {i + 1}",
                slug=f"speaker-{i + 1}",
                job_title="Engineer",
                organization="OpenAtom",
            )
            for i in range(options["speakers"])
        ]
        speaker_cycle = itertools.cycle(speakers) if speakers else None
        for index in range(options["talks"]):
            forum = forums[index % len(forums)]
            slot = index // len(forums)
            starts_at = forum.starts_at + dt.timedelta(minutes=(20 * slot) % 160)
            talk = Talk.objects.create(
                forum=forum,
                conference=conference,
                title=f"Talk {index + 1}: open source at scale",
                slug=f"talk-{index + 1}",
                kind=TalkKind.TALK,
                abstract="What we learned.",
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=20),
            )
            if speaker_cycle:
                TalkSpeaker.objects.create(talk=talk, speaker=next(speaker_cycle))
        return forums

    def _registrations(self, conference, forums, total: int) -> None:
        now = timezone.now()
        # One forum in each of two time slots that do not overlap (as the form requires).
        slots = two_free_slots(forums)
        # Ticket codes are random: at 100,000 some would repeat (about 2 % of runs), and a
        # bulk insert cannot draw again row by row. Draw them unique up front.
        taken = set(Registration.objects.values_list("ticket_code", flat=True))
        codes = set()
        while len(codes) < total:
            code = new_ticket_code()
            if code not in taken:
                codes.add(code)
        codes = iter(codes)
        batch = 5000
        for offset in range(0, total, batch):
            with transaction.atomic():
                registrations = Registration.objects.bulk_create(
                    [
                        Registration(
                            conference=conference,
                            full_name=f"张伟 Attendee {offset + i}",
                            email=f"load{offset + i}@example.org",
                            organization="开源社 Open Source Community",
                            job_title="Engineer",
                            consent_at=now,
                            ticket_code=next(codes),
                        )
                        for i in range(min(batch, total - offset))
                    ]
                )
                ForumPick.objects.bulk_create(
                    [
                        ForumPick(
                            registration=registration,
                            forum=slot[(offset + i) % len(slot)],
                            status=PickStatus.SEATED,
                            picked_at=now,
                            seated_at=now,
                        )
                        for i, registration in enumerate(registrations)
                        for slot in slots
                    ]
                )
