from django import template
from django.urls import reverse

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
