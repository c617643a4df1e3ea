"""Reads of the staff pages: the desk dashboard, door lists, the check-in card, and what an
export reads (its rows, its waiting-list positions). Counts come from annotations, never loops;
waiting lists come in WAITING_ORDER, the order they are served in."""

import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import (
    Aggregate,
    CharField,
    Count,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Substr, TruncDate, TruncMinute

from agenda.models import Conference, Forum
from registration.enums import PickStatus, RegistrationStatus
from registration.models import ExportPreference, ForumPick, Registration, Star
from registration.queries import WAITING_ORDER, with_seat_counts
from registration.staff.scope import EVERYTHING, Scope

try:  # pinyin order for Chinese names on door lists (name_sort_key)
    from pypinyin import Style, lazy_pinyin
except ImportError:  # pragma: no cover - a dependency; door lists still sort without it
    Style = lazy_pinyin = None


def conference_forums(conference: Conference) -> QuerySet[Forum]:
    """The forums of ``conference`` in program order (ids break ties)."""
    return Forum.objects.filter(conference=conference).order_by("starts_at", "position", "pk")


# --- the desk dashboard -----------------------------------------------------------------------


@dataclass
class Dashboard:
    totals: dict[str, int]  # confirmed, cancelled, checked_in
    forums: QuerySet[Forum]  # with seated_count, waiting_count, came; room loaded
    days: list[dict]  # {"day": date, "count": registrations} in day order


def dashboard(conference: Conference, scope: Scope = EVERYTHING) -> Dashboard:
    """What the desk dashboard of ``conference`` shows (three queries, whatever its size),
    of the forums and attendees ``scope`` allows."""
    registrations = scope.registrations(Registration.objects.filter(conference=conference))
    totals = registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    came = Q(picks__status=PickStatus.SEATED, picks__checked_in_at__isnull=False)
    # Stars on the forum's talks (interest, next to seats: rooms can be swapped in time).
    stars = (
        Star.objects.filter(talk__forum=OuterRef("pk"))
        .order_by()
        .values("talk__forum")
        .annotate(n=Count("pk"))
        .values("n")
    )
    forums = (
        with_seat_counts(scope.forums(conference_forums(conference)))
        .annotate(
            came=Count("picks", filter=came, distinct=True),
            stars=Coalesce(Subquery(stars), 0),
        )
        .select_related("room")
    )
    days = registrations_per_day(conference, scope)
    return Dashboard(totals=totals, forums=forums, days=days)


def registrations_per_day(conference: Conference, scope: Scope = EVERYTHING) -> list[dict]:
    """Registrations per day in the conference's time zone, days without any left out."""
    rows = (
        scope.registrations(Registration.objects.filter(conference=conference))
        .annotate(day=TruncDate("created_at", tzinfo=conference.tzinfo))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return [{"day": row["day"], "count": row["n"]} for row in rows]


# --- door lists and the check-in card ---------------------------------------------------------


@dataclass
class DoorList:
    seated: list[ForumPick]  # by name, as the door finds people
    waiting: list[ForumPick]  # in WAITING_ORDER

    @property
    def row_count(self) -> int:
        return len(self.seated) + len(self.waiting)


def printable_forum(forum_id: int) -> Forum | None:
    """The forum a door list is printed for, its conference and room loaded (None if unknown)."""
    return Forum.objects.select_related("conference", "room").filter(pk=forum_id).first()


# Runs of ASCII digits are compared as numbers; other text as folded text.
DIGITS = re.compile(r"([0-9]+)")
# Runs of Chinese characters (CJK Unified Ideographs, extension A, compatibility ideographs,
# extensions B and beyond), which are spelled in pinyin.
HAN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")


def name_sort_key(name: str) -> tuple:
    """The place of ``name`` on a door list: natural order, Chinese names by pinyin.

    - Latin names: case- and accent-insensitive ("zoë" next to "Zoe"), numbers as numbers
      ("Attendee 2" before "Attendee 10"), full-width letters and digits as their ASCII forms.
    - Chinese names: by their Hanyu Pinyin, from pypinyin (MIT-licensed, actively maintained,
      widely used, pure Python, with a phrase dictionary for readings that depend on the
      word), syllable by syllable, then by tone (1-4, neutral last) as a pinyin-ordered
      dictionary does; characters read alike (张 and 章) then by code point. So 王芳 sits
      next to "Wang Fang" among the W's, where readers of either script look for it, and a
      name is compared word by word ("a ming" before "adam", as "Li Na" before "Lina").
      Stroke order is not offered: it would need ICU's "zh@collation=stroke" through PyICU,
      a C++ extension, for a list that desk volunteers read by pinyin anyway. Surnames with
      a reading of their own are read as the common character (单 as dan, not Shan).
    - Without pypinyin installed, Chinese characters sort by code point after Latin names
      (nothing breaks; the order is only less useful).
    """
    text = unicodedata.normalize("NFKC", name)
    syllables = _pinyin(text)
    spelled = " ".join(syllable for syllable, _tone in syllables)
    folded = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", spelled.casefold())
        if not unicodedata.combining(ch)
    )
    parts = tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, " ".join(part.split()))
        for part in DIGITS.split(folded)
        if part.strip()
    )
    tones = tuple(tone for _syllable, tone in syllables)
    return parts, tones, text


def _pinyin(text: str) -> list[tuple[str, int]]:
    """``text`` as (syllable, tone) pairs: each Chinese character as its pinyin without tone
    marks (tone 1-4, 5 for the neutral tone), other runs of text as they are (tone 0)."""
    pairs = []
    for run in HAN.split(text):
        if not run:
            continue
        if lazy_pinyin is None or not HAN.fullmatch(run):
            pairs.append((run, 0))
            continue
        for piece in lazy_pinyin(run, style=Style.TONE3, neutral_tone_with_five=True):
            tone = piece[-1:]
            pairs.append((piece[:-1], int(tone)) if tone.isdigit() else (piece, 0))
    return pairs


def door_list(forum: Forum) -> DoorList:
    """The confirmed attendees seated in ``forum`` (by name in natural order, see
    ``name_sort_key``; registration ids break ties) and its waiting list (in the order it is
    served), registrations loaded."""
    picks = list(
        forum.picks.live()
        .filter(registration__status=RegistrationStatus.CONFIRMED)
        .select_related("registration")
        .order_by("status", *WAITING_ORDER)
    )
    seated = sorted(
        (pick for pick in picks if pick.status == PickStatus.SEATED),
        key=lambda pick: (name_sort_key(pick.registration.full_name), pick.registration_id),
    )
    return DoorList(seated=seated, waiting=[p for p in picks if p.status == PickStatus.WAITING])


def seated_picks(registration: Registration) -> list[ForumPick]:
    """The seats ``registration`` holds, in time order, forums and rooms loaded."""
    return list(
        registration.picks.seated()
        .select_related("forum", "forum__room")
        .order_by("forum__starts_at")
    )


# --- what an export reads ---------------------------------------------------------------------


def saved_export_columns(user) -> list[str] | None:
    """The columns ``user`` exported last (None before their first export)."""
    preference = ExportPreference.objects.filter(user=user).first()
    return preference.columns if preference else None


def export_source(
    *,
    conference: Conference,
    forum: Forum | None,
    statuses: Collection[str],
    registration_ids: list[int] | None,
) -> QuerySet:
    """The picks of ``forum`` (seats, then its waiting list in WAITING_ORDER) or, without a
    forum, the confirmed registrations of ``conference`` (by name) with a pick in one of
    ``statuses``; only ``registration_ids`` when given."""
    if forum is not None:
        picks = ForumPick.objects.filter(
            forum=forum, status__in=statuses, registration__status=RegistrationStatus.CONFIRMED
        )
        if registration_ids is not None:
            picks = picks.filter(registration_id__in=registration_ids)
        return picks.order_by("status", *WAITING_ORDER)
    registrations = Registration.objects.filter(
        conference=conference, status=RegistrationStatus.CONFIRMED
    )
    if registration_ids is not None:
        registrations = registrations.filter(pk__in=registration_ids)
    if set(statuses) != {PickStatus.SEATED, PickStatus.WAITING}:
        registrations = registrations.filter(
            pk__in=ForumPick.objects.filter(status__in=statuses).values("registration_id")
        )
    return registrations.order_by("full_name", "pk")


def waiting_positions(conference: Conference, *, chunk_size: int = 2000) -> dict[int, int]:
    """{pick id: 1-based place on its forum's waiting list} for every waiting pick of
    ``conference`` (one query): the place the attendee's own page shows."""
    served = Counter()
    positions: dict[int, int] = {}
    queue = ForumPick.objects.filter(forum__conference=conference).queue()
    for pick_id, forum_id in queue.values_list("pk", "forum_id").iterator(chunk_size):
        served[forum_id] += 1
        positions[pick_id] = served[forum_id]
    return positions


class LocalMinute(Func):
    """A timestamp as "YYYY-MM-DD HH:MM" text in a time zone, formatted by the database (no
    datetime object per cell). NULL stays NULL."""

    output_field = CharField()

    def __init__(self, expression: str, *, tzinfo: ZoneInfo):
        # Elsewhere (SQLite) Django's own truncation in that zone, which is text there already.
        portable = Substr(Cast(TruncMinute(expression, tzinfo=tzinfo), CharField()), 1, 16)
        super().__init__(F(expression), portable)
        self.tzinfo = tzinfo

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[1])

    def get_group_by_cols(self):
        # Next to an aggregate (the picks) group by the timestamp column, not by this text:
        # the database then formats each registration's time once, after grouping, rather than
        # once per pick before it, and sorts narrower rows.
        return self.source_expressions[0].get_group_by_cols()

    def as_postgresql(self, compiler, connection, **extra_context):
        # to_char, not a cast to text, whose format would follow the server's DateStyle.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"to_char({sql} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')", (*params, self.tzinfo.key)


class PickList(Aggregate):
    """A registration's picks of one status as one comma-separated text column: forum ids of
    the seated ones, "pick:forum" for waiting ones (whose position is looked up by pick id).
    GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s)"
    output_field = CharField()

    def __init__(self, relation: str, status: PickStatus):
        forum = Cast(f"{relation}__forum_id", CharField())
        if status == PickStatus.WAITING:
            pick = Cast(f"{relation}__pk", CharField())
            forum = Concat(pick, Value(":"), forum, output_field=CharField())
        super().__init__(forum, filter=Q(**{f"{relation}__status": status}))

    def as_postgresql(self, compiler, connection, **extra_context):
        clone = self.copy()
        clone.function = "STRING_AGG"
        clone.template = "%(function)s(%(expressions)s, ',')"
        return clone.as_sql(compiler, connection, **extra_context)
