from django.core.management.base import BaseCommand, CommandError

from agenda.models import Conference, Forum
from registration import services
from registration.models import Registration

FULL_FORUM = "flash-talks"


class Command(BaseCommand):
    help = (
        "Fill the demo's Flash Talks forum (40 seats) with made-up attendees "
        "(demo-attendee-N@example.org) so that the demo shows a full forum and its waiting "
        "list. Goes through registration.services like any registration; sends no email. "
        "Idempotent. Run after load_demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--conference", default="2023", help="conference slug (default 2023)")

    def handle(self, *args, **options):
        conference = Conference.objects.filter(slug=options["conference"]).first()
        if conference is None:
            raise CommandError(f"No conference {options['conference']!r}: run load_demo first.")
        forum = Forum.objects.filter(conference=conference, slug=FULL_FORUM).first()
        if forum is None:
            raise CommandError(f"The demo forum {FULL_FORUM!r} is missing: run load_demo first.")
        created = 0
        for number in range(1, (forum.capacity or 0) + 1):
            email = f"demo-attendee-{number}@example.org"
            if Registration.objects.for_email(conference, email).exists():
                continue
            services.register(
                conference=conference,
                data={
                    "full_name": f"Demo Attendee {number}",
                    "email": email,
                    "organization": "Example Open Source Community",
                    "job_title": "Developer",
                    "language": "en",
                },
                forums=[forum],
                notify=False,
            )
            created += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo attendees: {created} created; “{forum.title}” is full "
                "(register to see its waiting list)."
            )
        )
