"""Whose attendees a staff member may see: every forum's, or only those of the forums they host.

GOTC's topic forums (eBPF, Web3, AI...) are run by partner teams. Their accounts are *forum
hosts*: in the "Forum hosts" group (``registration.roles``) with one ``ForumHost`` row per
forum they run. Every staff page (/staff/) and the admin's registration and email lists read
through ``scope_for(user)``, so the rule lives here and nowhere else:

- a superuser, or staff who are not hosts: every forum of every conference;
- a host (the group gives the ``registration.host_forums`` permission, the mark of a host):
  the forums of their ForumHost rows, and the people with a seat or a place on the waiting
  list in one of them; nothing at all while they host none. A host who is also an organizer
  is still a host: give a partner a separate account. A ForumHost row alone makes nobody a
  host (the admin offers only members of the group).

What lies outside the scope is answered as unknown (404): a host learns nothing of another
forum's attendees, not even that a ticket code or an id exists. Pages meant for the whole
conference (walk-in registration, "still coming?") refuse hosts (403,
``every_forum_required``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from agenda.models import Forum
from registration.models import ForumHost, ForumPick, Registration

# The mark of a host's account, which the "Forum hosts" group gives (registration.roles).
HOST_PERMISSION = "registration.host_forums"
# Where scope_for() keeps its answer on the user object (one request's user).
CACHE_ATTRIBUTE = "_gotc_staff_scope"
# Export columns that name the other forums a person picked: not offered to forum hosts.
OTHER_FORUM_COLUMNS = frozenset({"seated_forums", "waiting_forums"})


@dataclass(frozen=True)
class Scope:
    """The forums (``forum_ids``; None: all) whose attendees a user may see."""

    forum_ids: frozenset[int] | None

    @property
    def is_limited(self) -> bool:
        return self.forum_ids is not None

    def forums(self, forums: QuerySet[Forum]) -> QuerySet[Forum]:
        if self.forum_ids is None:
            return forums
        return forums.filter(pk__in=self.forum_ids)

    def picks(self, picks: QuerySet[ForumPick]) -> QuerySet[ForumPick]:
        if self.forum_ids is None:
            return picks
        return picks.filter(forum_id__in=self.forum_ids)

    def registrations(self, registrations: QuerySet[Registration]) -> QuerySet[Registration]:
        """``registrations`` narrowed to people seated or waiting in one of the forums."""
        if self.forum_ids is None:
            return registrations
        live = ForumPick.objects.live().filter(forum_id__in=self.forum_ids)
        return registrations.filter(pk__in=live.values("registration_id"))

    def visible(self, people: list[Registration]) -> list[Registration]:
        """Of ``people`` (with their ``desk_picks`` loaded, as the check-in search gives
        them), those the user may see, each with the picks of the user's forums only (one
        query)."""
        if self.forum_ids is None:
            return people
        allowed = set(
            self.registrations(
                Registration.objects.filter(pk__in=[p.pk for p in people])
            ).values_list("pk", flat=True)
        )
        shown = [person for person in people if person.pk in allowed]
        for person in shown:
            picks = getattr(person, "desk_picks", [])
            person.desk_picks = [pick for pick in picks if pick.forum_id in self.forum_ids]
        return shown

    def allows_forum(self, forum: Forum | None) -> bool:
        """May the user see ``forum``'s attendees (None: the whole conference's)?"""
        if self.forum_ids is None:
            return True
        return forum is not None and forum.pk in self.forum_ids

    def allows(self, registration: Registration | None) -> bool:
        if registration is None or self.forum_ids is None:
            return registration is not None
        return (
            ForumPick.objects.live()
            .filter(registration_id=registration.pk, forum_id__in=self.forum_ids)
            .exists()
        )


EVERYTHING = Scope(forum_ids=None)


def scope_for(user) -> Scope:
    """The scope of ``user``, remembered on the user object. Permissions are loaded anyway
    (the page checked one): no query for anyone but a host, one for a host."""
    cached = getattr(user, CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    if user.is_authenticated and not user.is_superuser and user.has_perm(HOST_PERMISSION):
        hosted = ForumHost.objects.filter(user=user).values_list("forum_id", flat=True)
        scope = Scope(forum_ids=frozenset(hosted))
    else:
        scope = EVERYTHING
    setattr(user, CACHE_ATTRIBUTE, scope)
    return scope


def every_forum_required(view: Callable) -> Callable:
    """Refuse (403) a view that acts on the whole conference to users limited to forums."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if scope_for(request.user).is_limited:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def context(request) -> dict:
    """``staff_limited`` for templates: is the user a forum host (no whole-conference pages
    such as walk-in)? A callable, so that pages that never ask touch neither the session nor
    the user (public pages stay cacheable)."""
    return {"staff_limited": lambda: scope_for(request.user).is_limited}
