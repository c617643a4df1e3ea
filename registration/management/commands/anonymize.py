from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agenda.models import Conference
from registration import services


class Command(BaseCommand):
    help = (
        "Erase the personal fields (name, email, organization, job title, phone, newsletter) "
        "of every registration of a past conference, and the emails sent to them. Statuses, "
        "forum picks, check-ins and every count stay. Refuses a conference that has not ended "
        "yet unless --force. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--conference", required=True, help="conference slug, e.g. 2023")
        parser.add_argument(
            "--force", action="store_true", help="also for a conference that has not ended"
        )

    def handle(self, *args, **options):
        conference = Conference.objects.filter(slug=options["conference"]).first()
        if conference is None:
            raise CommandError(f"No conference with the slug {options['conference']!r}.")
        if conference.ends_at > timezone.now() and not options["force"]:
            raise CommandError(
                f"{conference.name} has not ended yet (last day {conference.end_date}); "
                "use --force to anonymize anyway."
            )
        count = services.anonymize_conference(conference=conference)
        self.stdout.write(
            self.style.SUCCESS(f"{conference.name}: personal data of {count} registrations erased.")
        )
