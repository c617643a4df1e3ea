import datetime as dt
import functools
from collections.abc import Callable

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, formats, timezone
from django.utils.translation import get_language

from agenda import caching

register = template.Library()


def program_reverse(conference, name: str, *args) -> str:
    """Reverse a program URL in the space the reader is in.

    The current conference lives at the site root (``/agenda/``); other editions under
    ``/editions/<slug>/``. Views mark the conference they serve with ``is_current``.
    """
    if getattr(conference, "is_current", False):
        return _reverse(f"agenda:{name}", args)
    return _reverse(f"edition:{name}", (conference.slug, *args))


def _reverse(viewname: str, args: tuple) -> str:
    """``reverse(viewname, args=args)``, memoized on all it depends on: the URLconf, the
    active language and the script prefix."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(viewname, args, get_language(), get_script_prefix(), urlconf)


@functools.lru_cache(maxsize=4096)
def _reversed(viewname: str, args: tuple, language, prefix: str, urlconf) -> str:
    return reverse(viewname, args=args)


# A slug no program object has, replaced by each object's own (see ``program_urls``).
_PLACEHOLDER = "gotc-slug-placeholder"


def program_urls(conference, name: str) -> Callable[[str], str]:
    """slug -> ``program_reverse(conference, name, slug)``, with one ``reverse()`` for all
    the objects of a page or feed: slugs need no quoting, so the URL is the pattern's with
    the slug in its place."""
    pattern = program_reverse(conference, name, _PLACEHOLDER)
    before, after = pattern.split(_PLACEHOLDER, 1)
    return lambda slug: f"{before}{slug}{after}"


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


@register.tag
def memoized(parser, token):
    """``{% memoized key %}...{% endmemoized %}``: the part rendered once per ``key`` (and
    language and time zone, agenda.caching.fragment). ``key`` (made by the view, e.g. with
    ``agenda.caching.content_key``) must cover everything the part shows; without one (None)
    the part is rendered as usual.

    ``{% memoized value1 value2 ... %}``: the key is ``content_key`` of these values (a model
    instance stands for all its columns), for parts of shared templates (the site's header
    and footer) that show nothing else."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% memoized %} takes the key, or the values it shows.")
    nodelist = parser.parse(("endmemoized",))
    parser.delete_first_token()
    return MemoizedNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class MemoizedNode(template.Node):
    def __init__(self, nodelist, keys):
        self.nodelist = nodelist
        self.keys = keys

    def render(self, context) -> str:
        if len(self.keys) == 1:
            key = self.keys[0].resolve(context)
            if key is None or key == "":
                return self.nodelist.render(context)
        else:
            key = caching.content_key(*(value.resolve(context) for value in self.keys))
        where = (self.origin.name if self.origin else "", self.token.lineno)
        return caching.fragment(
            ("template", *where, key),
            lambda: caching.compact_html(self.nodelist.render(context)),
        )
