"""Emails to attendees (registration/services/mailings.py): who gets them, placeholders, exactly
once per person through the outbox, a steady rate, progress, tests to oneself, forum hosts."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from post_office.models import STATUS, Email

from registration import mailing as outbox
from registration.enums import Language, PickStatus, RegistrationStatus
from registration.models import (
    Answer,
    ForumHost,
    Mailing,
    MailingRecipient,
    MailingStatus,
    PendingEmail,
    Question,
    QuestionChoice,
    QuestionKind,
)
from registration.roles import FORUM_HOSTS
from registration.services import mailings
from registration.staff.scope import EVERYTHING, scope_for
from tests.factories import ForumPickFactory, RegistrationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("all_emails_due_at_once")]


def person(forum, pick=PickStatus.SEATED, **fields):
    return ForumPickFactory(
        forum=forum,
        status=pick,
        registration=RegistrationFactory(conference=forum.conference, **fields),
    ).registration


def write(conference, forum=None, **fields) -> Mailing:
    texts = {
        "subject_en": "Room change for {conference}",
        "body_en": "Hello {name}, your ticket {ticket_code}. Manage: {manage_url}",
        "subject_zh": "{conference} 会场变更",
        "body_zh": "{name}，您好！票号 {ticket_code}。管理：{manage_url}",
    }
    texts.update({k: fields.pop(k) for k in list(fields) if k in texts})
    return Mailing.objects.create(conference=conference, forum=forum, filters=fields, **texts)


def names(mailing, scope=EVERYTHING) -> list[str]:
    return sorted(mailings.recipients(mailing, scope).values_list("full_name", flat=True))


# --- who -------------------------------------------------------------------------------------


def test_forum_seated_or_waiting_checked_in_and_language_choose_who(conference, ebpf, web3):
    person(ebpf, full_name="Ann seated")
    person(ebpf, PickStatus.WAITING, full_name="Bo waiting", language=Language.CHINESE)
    person(ebpf, PickStatus.RELEASED, full_name="Cy left the forum")
    person(ebpf, full_name="Di cancelled", status=RegistrationStatus.CANCELLED)
    person(ebpf, full_name="Ed came", checked_in_at=timezone.now())
    person(web3, full_name="Fay in Web3")

    assert names(write(conference, ebpf)) == ["Ann seated", "Bo waiting", "Ed came"]
    assert names(write(conference, ebpf, picks="seated")) == ["Ann seated", "Ed came"]
    assert names(write(conference, ebpf, picks="waiting")) == ["Bo waiting"]
    assert names(write(conference, ebpf, checked_in="yes")) == ["Ed came"]
    assert names(write(conference, ebpf, checked_in="no")) == ["Ann seated", "Bo waiting"]
    assert names(write(conference, ebpf, language="zh-hans")) == ["Bo waiting"]
    # Every forum, seated or waiting: everyone registered, a forum or not; never a cancelled one.
    RegistrationFactory(conference=conference, full_name="Gus no forum")
    everyone = ["Ann seated", "Bo waiting", "Cy left the forum", "Ed came", "Fay in Web3"]
    assert names(write(conference)) == [*everyone, "Gus no forum"]


def test_an_answer_to_a_question_chooses_who(conference, ebpf):
    meal = Question.objects.create(conference=conference, label="Meal", kind=QuestionKind.CHOICE)
    vegetarian = QuestionChoice.objects.create(question=meal, label="Vegetarian")
    QuestionChoice.objects.create(question=meal, label="Any")
    headset = Question.objects.create(
        conference=conference, label="Interpretation headset", kind=QuestionKind.BOOLEAN
    )
    ann, bo, cy = (person(ebpf, full_name=name) for name in ("Ann", "Bo", "Cy"))
    Answer.objects.create(registration=ann, question=meal).choices.add(vegetarian)
    Answer.objects.create(registration=ann, question=headset, value="no")
    Answer.objects.create(registration=bo, question=headset, value="yes")
    Answer.objects.create(registration=cy, question=meal)  # no choice left: deleted since

    vegetarians = write(conference, question=meal.pk, choice=vegetarian.pk)
    headsets = write(conference, question=headset.pk, answer="yes")
    no_headsets = write(conference, question=headset.pk, answer="no")

    assert (names(vegetarians), names(headsets), names(no_headsets)) == (["Ann"], ["Bo"], ["Ann"])
    vegetarian.delete()
    assert names(vegetarians) == []


def test_a_filter_with_unknown_values_falls_back_to_anyone(conference, ebpf):
    person(ebpf, full_name="Ann")

    odd = write(conference, picks="all of them", checked_in=True, language="fr", question="1")

    assert mailings.RecipientFilter.of(odd) == mailings.RecipientFilter()
    assert names(odd) == ["Ann"]


# --- placeholders ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Hello {nmae}", "Unknown placeholder {nmae}."),
        ("Hello {name.upper}", "Unknown placeholder {name.upper}."),
        ("Hello {name!r}", "Unknown placeholder {name!r}."),
        ("Hello {}", "Unknown placeholder {}."),
        ("Hello {name", "A brace { or } has no partner."),
        ("Hello name}", "A brace { or } has no partner."),
    ],
)
def test_a_placeholder_typo_is_named(text, problem):
    (error,) = mailings.template_errors(text)

    assert error.startswith(problem)


def test_known_placeholders_and_doubled_braces_are_fine():
    text = "{name} {manage_url} {ticket_code} {conference} {{literal}}"

    assert mailings.template_errors(text) == []


def test_a_placeholder_typo_is_named_in_chinese():
    with translation.override("zh-hans"):
        (typo,) = mailings.template_errors("您好 {nmae}")
        (brace,) = mailings.template_errors("您好 {name")

    assert "{nmae}" in typo and "占位符" in typo
    assert "{{" in brace and "大括号" in brace


# --- queue -----------------------------------------------------------------------------------


def test_each_attendee_gets_their_language_with_placeholders_filled(
    conference, ebpf, django_capture_on_commit_callbacks
):
    ann = person(ebpf, full_name="Ann Lee", email="ann@example.org")
    wei = person(ebpf, full_name="王伟", email="wei@example.org", language=Language.CHINESE)
    mailing = write(conference, ebpf)

    with django_capture_on_commit_callbacks(execute=True):
        count = mailings.queue(mailing.pk, EVERYTHING, by=None)

    by_address = {message.to[0]: message for message in mail.outbox}
    english, chinese = by_address["ann@example.org"], by_address["wei@example.org"]
    assert count == 2
    assert english.subject == f"Room change for {conference.name}"
    assert f"Hello Ann Lee, your ticket {ann.ticket_display}." in english.body
    assert f"/r/{ann.manage_token}/" in english.body
    assert chinese.subject == f"{conference.name} 会场变更"
    assert f"王伟，您好！票号 {wei.ticket_display}。" in chinese.body
    assert f"/r/{wei.manage_token}/" in chinese.body
    log = MailingRecipient.objects.filter(mailing=mailing).order_by("position")
    assert [(r.registration_id, r.language) for r in log] == [(ann.pk, "en"), (wei.pk, "zh-hans")]
    assert all(r.email is not None for r in log)


def test_queuing_twice_queues_nothing_more(conference, ebpf, django_capture_on_commit_callbacks):
    person(ebpf)
    person(ebpf)
    mailing = write(conference, ebpf)

    with django_capture_on_commit_callbacks(execute=True):
        first = mailings.queue(mailing.pk, EVERYTHING, by=None)
        second = mailings.queue(mailing.pk, EVERYTHING, by=None)

    mailing.refresh_from_db()
    assert (first, second) == (2, None)
    assert (len(mail.outbox), MailingRecipient.objects.count()) == (2, 2)
    assert (mailing.status, mailing.recipient_count) == (MailingStatus.QUEUED, 2)


def test_the_database_refuses_a_second_copy_for_one_person(conference, ebpf):
    ann = person(ebpf)
    mailing = write(conference, ebpf)
    MailingRecipient.objects.create(mailing=mailing, registration=ann, position=0, language="en")

    with pytest.raises(IntegrityError), transaction.atomic():
        MailingRecipient.objects.create(
            mailing=mailing, registration=ann, position=1, language="en"
        )


def test_nobody_matching_queues_nothing_and_stays_a_draft(conference, ebpf):
    mailing = write(conference, ebpf)

    assert mailings.queue(mailing.pk, EVERYTHING, by=None) == 0

    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DRAFT
    assert (PendingEmail.objects.count(), MailingRecipient.objects.count()) == (0, 0)


def queries_to_queue(conference, forum, people: int) -> int:
    for _ in range(people):
        person(forum)
    mailing = write(conference, forum)
    with CaptureQueriesContext(connection) as queries:
        assert mailings.queue(mailing.pk, EVERYTHING, by=None) == people
    return len(queries)


def test_queuing_takes_as_many_queries_for_30_people_as_for_3(conference, ebpf, web3, settings):
    settings.EMAIL_DELIVERY = "worker"

    assert queries_to_queue(conference, ebpf, 3) == queries_to_queue(conference, web3, 30)


def test_emails_are_spread_at_the_configured_rate(
    conference, ebpf, settings, django_capture_on_commit_callbacks
):
    settings.MAILING_RATE_PER_MINUTE = 30  # one every two seconds
    for _ in range(3):
        person(ebpf)
    mailing = write(conference, ebpf)

    with django_capture_on_commit_callbacks(execute=True):
        mailings.queue(mailing.pk, EVERYTHING, by=None)

    mailing.refresh_from_db()
    log = MailingRecipient.objects.filter(mailing=mailing).select_related("email")
    due = [r.email.scheduled_time or mailing.queued_at for r in log.order_by("position")]
    assert [round((t - mailing.queued_at).total_seconds()) for t in due] == [0, 2, 4]
    # The first is sent at once; the others wait for their turn with the mail worker.
    assert len(mail.outbox) == 1


def test_someone_who_cancels_before_their_email_is_written_gets_none(conference, ebpf, settings):
    settings.EMAIL_DELIVERY = "worker"
    ann, bo = person(ebpf), person(ebpf)
    mailing = write(conference, ebpf)
    mailings.queue(mailing.pk, EVERYTHING, by=None)
    bo.status = RegistrationStatus.CANCELLED
    bo.save()

    outbox.flush()

    assert [e.to for e in Email.objects.all()] == [[ann.email]]
    done = mailings.progress(mailing)
    assert (done.total, done.queued, done.skipped, done.waiting) == (2, 1, 1, 0)


def test_progress_follows_the_mail_queue_and_ends_sent(conference, ebpf, settings):
    settings.EMAIL_DELIVERY = "worker"
    for _ in range(3):
        person(ebpf)
    mailing = write(conference, ebpf)
    mailings.queue(mailing.pk, EVERYTHING, by=None)

    assert mailings.progress(mailing).waiting == 3
    outbox.flush()
    first, second, third = MailingRecipient.objects.order_by("position")
    Email.objects.filter(pk=first.email_id).update(status=STATUS.sent)
    Email.objects.filter(pk=second.email_id).update(status=STATUS.failed)
    middle = mailings.progress(mailing)
    Email.objects.filter(pk=third.email_id).update(status=STATUS.sent)
    end = mailings.progress(mailing)

    assert (middle.sent, middle.failed, middle.queued, middle.done) == (1, 1, 1, False)
    assert (end.sent, end.failed, end.queued, end.done) == (2, 1, 0, True)
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


# --- preview and test ------------------------------------------------------------------------


def test_preview_shows_the_count_and_a_real_email_in_both_languages_without_links(conference, ebpf):
    ann = person(ebpf, full_name="Ann Lee")
    for _ in range(24):
        person(ebpf, language=Language.CHINESE)
    mailing = write(conference, ebpf)

    result = mailings.preview(mailing, EVERYTHING)

    assert result.count == 25
    assert result.by_language == [("简体中文", 24), ("English", 1)]
    assert (len(result.first), result.sample) == (20, ann)
    english, chinese = result.emails
    assert "Hello Ann Lee" in english.text and "Ann Lee，您好！" in chinese.text
    assert ann.manage_token not in english.text + chinese.text
    assert "/r/[link-removed]" in english.text


def test_a_test_goes_to_the_writer_only_marked_and_logged_nowhere(
    conference, ebpf, django_capture_on_commit_callbacks
):
    ann = person(ebpf, full_name="Ann Lee")
    mailing = write(conference, ebpf)

    with django_capture_on_commit_callbacks(execute=True):
        mailings.send_test(mailing, ann, to="organizer@example.org")

    assert [m.to for m in mail.outbox] == [["organizer@example.org"]] * 2
    assert [m.subject for m in mail.outbox] == [
        f"[Test] Room change for {conference.name}",
        f"[测试] {conference.name} 会场变更",
    ]
    assert all(ann.manage_token not in m.body for m in mail.outbox)
    assert MailingRecipient.objects.count() == 0
    assert Mailing.objects.get().status == MailingStatus.DRAFT


def test_a_test_needs_an_address(conference, ebpf):
    with pytest.raises(mailings.NoAddress):
        mailings.send_test(write(conference, ebpf), person(ebpf), to="")


# --- forum hosts -----------------------------------------------------------------------------


def test_a_host_reaches_only_the_attendees_of_their_forums(
    conference, ebpf, web3, django_user_model
):
    person(ebpf, full_name="Ann in eBPF")
    person(web3, full_name="Fay in Web3")
    RegistrationFactory(conference=conference, full_name="Gus no forum")
    host = django_user_model.objects.create_user("host", is_staff=True)
    host.groups.add(Group.objects.get(name=FORUM_HOSTS))
    ForumHost.objects.create(user=host, forum=ebpf)

    assert names(write(conference), scope_for(host)) == ["Ann in eBPF"]
    assert names(write(conference, web3), scope_for(host)) == []


def test_queued_at_is_when_queued(conference, ebpf, settings):
    settings.EMAIL_DELIVERY = "worker"
    person(ebpf)
    mailing = write(conference, ebpf)
    before = timezone.now()

    mailings.queue(mailing.pk, EVERYTHING, by=None)

    mailing.refresh_from_db()
    assert before <= mailing.queued_at <= timezone.now() + dt.timedelta(seconds=1)


@pytest.mark.django_db(transaction=True)
def test_two_organizers_queuing_at_the_same_moment_queue_it_once(conference, ebpf, settings):
    from tests.concurrency import errors, run_together

    settings.EMAIL_DELIVERY = "worker"
    for _ in range(50):
        person(ebpf)
    mailing = write(conference, ebpf)

    results = run_together(4, lambda _index: mailings.queue(mailing.pk, EVERYTHING, by=None))

    assert errors(results) == []
    assert sorted((value for _kind, value in results), key=str) == [50, None, None, None]
    assert MailingRecipient.objects.filter(mailing=mailing).count() == 50
    assert PendingEmail.objects.filter(mailing=mailing).count() == 50


def test_a_worker_pass_writes_a_bounded_batch_attendees_own_emails_first(
    conference, ebpf, settings, monkeypatch
):
    settings.EMAIL_DELIVERY = "worker"
    monkeypatch.setattr(outbox, "WORKER_BATCH", 2)
    for _ in range(3):
        person(ebpf)
    mailings.queue(write(conference, ebpf).pk, EVERYTHING, by=None)
    newcomer = person(ebpf, email="new@example.org")
    outbox.queue(newcomer, "confirmation")

    first = outbox.flush()
    second = outbox.flush()

    assert Email.objects.get(pk=first[0]).to == ["new@example.org"]
    assert (len(first), len(second), PendingEmail.objects.count()) == (2, 2, 0)
