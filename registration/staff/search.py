"""What the check-in desk reads: people found by a search, and the live numbers of a door.

A search compares the typed words with ``Registration.search_text`` (name, email,
organization, phone, ticket code, stored with accents dropped and case folded by
``registration.models.searchable``), so "jose" finds "José", "小明" finds "王小明" and
full-width letters find plain ones the same way on SQLite and PostgreSQL. Each word must appear
somewhere (``LIKE '%word%'``): a scan of one conference's rows, a few milliseconds at
10,000 registrations (see the report in the check-in commit), with no database extension.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from agenda.models import Conference, Forum
from registration.enums import PickStatus, RegistrationStatus
from registration.models import DoorOverride, ForumPick, Registration, searchable

# At most this many people are listed; one more is read to say the list is cut.
LIMIT = 20
# Words of a search beyond this many are ignored (each one is a LIKE).
MAX_WORDS = 6
# What a typed piece of a phone number looks like (digits, with + - ( ) between them).
PHONE_PIECE = re.compile(r"[+(]*\d[\d()+\-]*")
# Two groups of four letters or digits, maybe a dash or a space between.
CODE_SHAPE = re.compile(r"[A-Za-z0-9]{4}[- ]?[A-Za-z0-9]{4}")


@dataclass
class SearchResult:
    people: list[Registration]  # live picks prefetched as ``desk_picks`` (forum loaded)
    more: bool  # more people match than are listed


def words(query: str) -> list[str]:
    """The words of a search as the column stores them (at most MAX_WORDS, longest first:
    the most selective LIKE runs first on SQLite)."""
    # Control characters never match a name; a NUL would even end SQLite's LIKE pattern
    # early (matching everyone).
    query = "".join(ch for ch in query if ch.isprintable() or ch.isspace())
    found = [_phone_digits(word) for word in searchable(query).split()]
    found = [word for word in dict.fromkeys(found) if word]
    return sorted(found, key=len, reverse=True)[:MAX_WORDS]


def _phone_digits(word: str) -> str:
    """A piece of a phone number as its digits ("0013-8000", "(010)"): the column also holds
    the number as bare digits, so any way of grouping it is found."""
    return re.sub(r"\D", "", word) if PHONE_PIECE.fullmatch(word) else word


def looks_like_ticket_code(query: str) -> bool:
    """Whether ``query`` reads as a whole ticket code (``ABCD-EFGH``, ``abcd efgh``,
    ``AB3D7FGH``): a miss then says "no ticket with this code" rather than "nobody found".
    Eight letters alone read as a name ("jonathan"), unless typed in capitals."""
    query = query.strip()
    if not CODE_SHAPE.fullmatch(query):
        return False
    return query[4:5] in {"-", " "} or any(ch.isdigit() for ch in query) or query.isupper()


def search(
    conference: Conference,
    query: str,
    *,
    limit: int = LIMIT,
    narrow: Callable[[QuerySet[Registration]], QuerySet[Registration]] | None = None,
) -> SearchResult:
    """People of ``conference`` whose name, email, organization, phone or ticket code holds
    every word of ``query``: confirmed ones first, then by name. Two queries (the people,
    their live picks), whatever the size of the conference. ``narrow`` limits who may be
    found (a forum host's scope) before the ``limit`` is counted."""
    terms = words(query)
    if not terms:
        return SearchResult(people=[], more=False)
    matches = Q()
    for term in terms:
        matches &= Q(search_text__contains=term)
    live = ForumPick.objects.live().select_related("forum").order_by("forum__starts_at")
    found = Registration.objects.filter(matches, conference=conference)
    if narrow is not None:
        found = narrow(found)
    people = list(
        found.select_related("checked_in_by")
        .prefetch_related(Prefetch("picks", queryset=live, to_attr="desk_picks"))
        # "confirmed" sorts after "cancelled": descending puts the active ones first.
        .order_by("-status", "full_name", "pk")[: limit + 1]
    )
    return SearchResult(people=people[:limit], more=len(people) > limit)


def person(conference: Conference, registration_id: int) -> Registration | None:
    """The registration a result's button names, if it belongs to ``conference`` (a button
    may be posted from a stale page, or tampered with)."""
    return (
        Registration.objects.select_related("checked_in_by")
        .filter(conference=conference, pk=registration_id)
        .first()
    )


@dataclass
class DoorNumbers:
    inside: int  # checked in at this door (the entrance: at the entrance)
    expected: int | None  # entrance: confirmed registrations
    capacity: int | None  # forum: its seats
    free: int | None  # forum: seats nobody holds now


def door_numbers(conference: Conference, forum: Forum | None) -> DoorNumbers:
    """The live numbers of a door: at the entrance, who came of those expected; at a forum,
    who came in (with a seat, or let in without one) and how many seats are free now. One
    query at the entrance, two at a forum."""
    if forum is None:
        totals = Registration.objects.filter(conference=conference).aggregate(
            inside=Count("pk", filter=Q(checked_in_at__isnull=False)),
            expected=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        )
        return DoorNumbers(
            inside=totals["inside"], expected=totals["expected"], capacity=None, free=None
        )
    seated = Q(status=PickStatus.SEATED)
    counts = ForumPick.objects.filter(forum=forum).aggregate(
        seated=Count("pk", filter=seated),
        came=Count("pk", filter=seated & Q(checked_in_at__isnull=False)),
    )
    let_in = DoorOverride.objects.filter(forum=forum).count()
    capacity = forum.capacity or 0
    return DoorNumbers(
        inside=counts["came"] + let_in,
        expected=None,
        capacity=capacity,
        free=max(capacity - counts["seated"], 0),
    )
