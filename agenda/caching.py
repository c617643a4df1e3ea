"""The program's version of cached pages and remembered reads (gotc.pagecache), and the
fragments memoized on their own content.

Pages and values that show the program (conferences, rooms, forums, talks, speakers) depend
on ``PROGRAM``; any save of those models moves it (agenda.signals).

``fragment(key, build)``: a piece of a page or feed (a forum's block on the agenda, a
speaker's card, a talk's calendar event...) built once per process for each ``key``. The key
is everything the piece shows, read from the database by the request itself (program rows,
agenda.queries), with the active language and time zone added here: a changed title, time,
room or speaker is a new key, so a program change shows on the very next request, on every
process, with nothing to invalidate and no dependency on the shared cache (it works the same
while Redis is down). A page that bypasses the page cache still runs its view and queries;
only formatting its rows again is saved. The memo is bounded in entries and in text (least
recently used first).
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db.models import Model
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from gotc import pagecache

PROGRAM = "program"
# About four times what the largest program page and feed hold together (30 forums, 240
# talks, 120 speakers, two languages), a few MB.
FRAGMENTS_SIZE = 4096
# And at most this many characters or bytes of text (whole feeds and pages' main parts are
# 100-200 kB each): the versions a program change leaves behind go first.
FRAGMENTS_TEXT = 32 * 1024 * 1024

T = TypeVar("T")
_fragments: OrderedDict[Hashable, object] = OrderedDict()
_text = 0  # characters and bytes of the str and bytes values in _fragments
_lock = threading.Lock()


def _length(value: object) -> int:
    return len(value) if isinstance(value, str | bytes) else 0


def program_changed() -> None:
    """What shows the program goes stale once the current transaction commits."""
    pagecache.bump(PROGRAM)


def fragment(key: tuple, build: Callable[[], T]) -> T:
    """``build()``, memoized on ``key`` in the active language and time zone.

    ``key`` must hold every value ``build`` reads, as plain values (strings, numbers, dates,
    agenda.queries rows and tuples of them): never a model instance, which compares by
    primary key only."""
    return fragments()(key, build)


def fragments() -> Callable[[tuple, Callable[[], T]], T]:
    """``fragment`` for many pieces in a row: the language and time zone are read once."""
    context = (translation.get_language(), timezone.get_current_timezone_name())

    def memoized(key: tuple, build: Callable[[], T]) -> T:
        full_key = (*context, *key)
        with _lock:
            try:
                value = _fragments[full_key]
            except KeyError:
                pass
            else:
                _fragments.move_to_end(full_key)
                return value
        value = build()
        global _text
        with _lock:
            _text += _length(value) - _length(_fragments.pop(full_key, None))
            _fragments[full_key] = value
            while len(_fragments) > FRAGMENTS_SIZE or (_text > FRAGMENTS_TEXT and _fragments):
                _text -= _length(_fragments.popitem(last=False)[1])
        return value

    return memoized


_INDENT = re.compile(r"\n[ \t]+")
_KEEPS_WHITESPACE = re.compile(r"<(?:pre|textarea)\b", re.IGNORECASE)


def compact_html(html: SafeString) -> SafeString:
    """``html`` without the templates' indentation (a fifth of the agenda's bytes): each run
    of a line break and the spaces after it becomes the line break, which a browser shows
    the same. Left as it is when it holds a <pre> or <textarea>, where spaces show. Done
    once per memoized fragment, never per request."""
    if _KEEPS_WHITESPACE.search(html):
        return html
    return mark_safe(_INDENT.sub("\n", html))


def content_key(*parts) -> tuple:
    """A fragment key from model instances (every column's value, so that any change to
    them makes a new key) and plain values (kept as they are)."""
    return tuple(
        (part._meta.label, *(part.__dict__.get(f.attname) for f in part._meta.concrete_fields))
        if isinstance(part, Model)
        else part
        for part in parts
    )


def forget_fragments() -> None:
    """Drop every memoized fragment (tests; a process never needs to)."""
    global _text
    with _lock:
        _fragments.clear()
        _text = 0
