import datetime as dt

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

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


WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _local_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value if isinstance(value, dt.date) else None


def _chinese() -> bool:
    return (get_language() or "en").lower().startswith("zh")


@register.filter
def day_short(value) -> str:
    """Sat 27 May / 5月27日 周六 (in the active time zone)."""
    day = _local_date(value)
    if day is None:
        return ""
    if _chinese():
        return f"{day.month}月{day.day}日 周{WEEKDAYS_ZH[day.weekday()]}"
    return f"{WEEKDAYS_EN[day.weekday()][:3]} {day.day} {MONTHS_EN[day.month - 1][:3]}"


@register.filter
def day_long(value) -> str:
    """Saturday, 27 May 2023 / 2023年5月27日 星期六 (in the active time zone)."""
    day = _local_date(value)
    if day is None:
        return ""
    if _chinese():
        return f"{day.year}年{day.month}月{day.day}日 星期{WEEKDAYS_ZH[day.weekday()]}"
    return f"{WEEKDAYS_EN[day.weekday()]}, {day.day} {MONTHS_EN[day.month - 1]} {day.year}"
