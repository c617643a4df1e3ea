"""The public changelog of a published program: a page and an Atom feed (Django's syndication
framework), newest first. agenda.changes records what they list."""

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agenda.models import ChangeKind, Conference, ScheduleChange
from agenda.views import get_conference

# The page and feed list this many changes; a program does not change more often than that.
LIMIT = 200


def changes_of(conference: Conference) -> list[ScheduleChange]:
    return list(
        ScheduleChange.objects.filter(conference=conference).select_related("forum", "talk")[:LIMIT]
    )


def _slot(change: ScheduleChange, side: str) -> str:
    times = change.times(side)
    if times is None:
        return ""
    starts, ends = (timezone.localtime(value) for value in times)
    room = change.room_after() if side == "after" else change.room_before()
    text = f"{date_format(starts, 'DAY_SHORT_FORMAT')} {starts:%H:%M}–{ends:%H:%M}"
    return _("%(time)s, %(room)s") % {"time": text, "room": room} if room else text


def describe(change: ScheduleChange) -> str:
    """One line a reader understands, in the active language and the conference's zone."""
    if change.kind == ChangeKind.CANCELLED:
        return _("Cancelled (was %(slot)s).") % {"slot": _slot(change, "before")}
    if change.kind == ChangeKind.ROOM:
        return _("Moved from %(before)s to %(after)s.") % {
            "before": change.room_before(),
            "after": change.room_after(),
        }
    return _("New time: %(after)s (was %(before)s).") % {
        "after": _slot(change, "after"),
        "before": _slot(change, "before"),
    }


def link(change: ScheduleChange) -> str:
    if change.talk_id:
        return change.talk.get_absolute_url()
    if change.forum_id:
        return change.forum.get_absolute_url()
    return reverse("edition:changes", kwargs={"conference": change.conference.slug})


def changelog(request: HttpRequest, conference: str | None = None) -> HttpResponse:
    found = get_conference(request, conference)
    changes = changes_of(found)
    for change in changes:
        change.text = describe(change)
        change.url = link(change)
    context = {"conference": found, "changes": changes}
    return render(request, "agenda/changelog.html", context)


class ChangesFeed(Feed):
    """Atom: each change is an entry with a stable id, its time and a link to the forum or
    talk (feed readers and chat bots watch it)."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, conference: str | None = None) -> Conference:
        self.request = request
        return get_conference(request, conference)

    def title(self, obj: Conference) -> str:
        return _("%(conference)s: schedule changes") % {"conference": obj.name}

    def link(self, obj: Conference) -> str:
        return reverse("edition:changes", kwargs={"conference": obj.slug})

    def subtitle(self, obj: Conference) -> str:
        return _("New times, rooms and cancellations in the program of %(conference)s.") % {
            "conference": obj.name
        }

    def items(self, obj: Conference) -> list[ScheduleChange]:
        return changes_of(obj)

    def item_title(self, item: ScheduleChange) -> str:
        return f"{item.title()}: {item.get_kind_display()}"

    def item_description(self, item: ScheduleChange) -> str:
        forum = item.forum_title()
        text = describe(item)
        return f"{forum}. {text}" if forum and forum != item.title() else text

    def item_link(self, item: ScheduleChange) -> str:
        return link(item)

    def item_guid(self, item: ScheduleChange) -> str:
        return self.request.build_absolute_uri(f"{self.link(item.conference)}#change-{item.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, item: ScheduleChange):
        return item.recorded_at

    def item_updateddate(self, item: ScheduleChange):
        return item.recorded_at


changes_feed = ChangesFeed()
