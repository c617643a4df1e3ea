"""Management commands not covered elsewhere: mail_worker and generate_demo_load."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from post_office.models import STATUS, Email

from agenda.models import Conference, Forum, Talk
from registration.models import ForumPick, Registration

pytestmark = pytest.mark.django_db


def test_mail_worker_once_sends_queued_emails():
    Email.objects.create(
        from_email="gotc@example.org",
        to=["a@example.org"],
        subject="Hi",
        message="Body",
        status=STATUS.queued,
    )

    call_command("mail_worker", "--once")

    assert [message.to for message in mail.outbox] == [["a@example.org"]]
    assert Email.objects.get().status == STATUS.sent


@pytest.mark.parametrize(
    "args", [["--interval", "0"], ["--interval", "-1"]], ids=["zero", "negative"]
)
def test_mail_worker_rejects_bad_interval(args):
    with pytest.raises(CommandError, match="--interval must be positive"):
        call_command("mail_worker", *args)


def test_generate_demo_load_builds_program_and_registrations():
    call_command(
        "generate_demo_load", registrations=25, forums=6, talks=12, speakers=4, slug="loadtest"
    )

    conference = Conference.objects.get(slug="loadtest")
    assert Forum.objects.filter(conference=conference).count() == 6
    assert Talk.objects.filter(conference=conference).count() == 12
    assert Registration.objects.filter(conference=conference).count() == 25
    assert ForumPick.objects.filter(registration__conference=conference).count() == 50


def test_generate_demo_load_twice_replaces_the_load_conference():
    call_command("generate_demo_load", registrations=5, forums=3, talks=3, speakers=1)
    call_command("generate_demo_load", registrations=7, forums=3, talks=3, speakers=1)

    assert Registration.objects.filter(conference__slug="load").count() == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--forums", "0"], "--forums must be positive"), (["--talks", "-1"], "--talks must be")],
    ids=["no-forums", "negative-talks"],
)
def test_generate_demo_load_rejects_bad_numbers(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_demo_load", *args)
