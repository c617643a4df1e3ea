import datetime as dt

from django import template
from django.urls import reverse
from django.utils import dateformat, formats, timezone

register = template.Library()


def program_reverse(conference, name: str, *args) -> str:
    """Reverse a program URL in the space the reader is in.

    The current conference lives at the site root (``/agenda/``); other editions under
    ``/editions/<slug>/``. Views mark the conference they serve with ``is_current``.
    """
    if getattr(conference, "is_current", False):
        return reverse(f"agenda:{name}", args=args)
    return reverse(f"edition:{name}", args=(conference.slug, *args))


@register.simple_tag(takes_context=True)
def program_url(context, name: str, *args) -> str:
    """A program URL for the page's conference, or the site root's when there is none.

    Pages without a conference (error pages, an empty site) must not use
    ``{% url 'agenda:home' %}``: under /editions/<slug>/ Django resolves the ``agenda`` app
    namespace to the ``edition`` instance the request came through, which needs a slug.
    """
    conference = context.get("conference")
    if conference is None:
        return reverse(f"agenda:{name}", args=args)
    return program_reverse(conference, name, *args)


@register.filter
def kind_class(value: str) -> str:
    """CSS class carrying a forum kind's colour."""
    return f"kind-{value}"


class DayFormat(dateformat.DateFormat):
    """Django's date format, whose ``D`` takes the active language's WEEKDAYS_ABBR where its
    format module (gotc/formats) has them (Chinese: Django's catalogue has no short names)."""

    def D(self) -> str:
        names = formats.get_format("WEEKDAYS_ABBR")
        return names[self.data.weekday()] if isinstance(names, tuple) else super().D()


def _day_format(value, name: str) -> str:
    """``value``'s local date in the active language's format ``name`` (gotc/formats)."""
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if not isinstance(value, dt.date):
        return ""
    found = formats.get_format(name)
    if found == name:  # no language active (translation deactivated): English
        found = formats.get_format(name, lang="en")
    return DayFormat(value).format(found)


@register.filter
def day_short(value) -> str:
    """Sat 27 May / 5月27日 周六 (in the active time zone)."""
    return _day_format(value, "DAY_SHORT_FORMAT")


@register.filter
def day_long(value) -> str:
    """Saturday, 27 May 2023 / 2023年5月27日 星期六 (in the active time zone)."""
    return _day_format(value, "DAY_LONG_FORMAT")
