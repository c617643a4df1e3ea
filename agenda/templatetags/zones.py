"""How a conference's time and place read to attendees: the zone in words ("Beijing time
(UTC+8)" rather than "Asia/Shanghai"), its days as one range, its venue in the reader's
address order."""

import datetime as dt

from django import template
from django.utils import formats
from django.utils.translation import get_language, gettext

from agenda import zones

register = template.Library()


@register.filter
def zone_label(conference) -> str:
    """The conference's time zone in words, with its offset during the conference."""
    return zones.zone_label(conference.time_zone, conference.starts_at)


def _chinese() -> bool:
    return (get_language() or "en").lower().startswith("zh")


@register.filter
def date_range(conference) -> str:
    """The conference days as one range, each part said once: "27-28 May 2023",
    "30 May - 1 June 2023" (with en dashes), "2023年5月27日至28日"."""
    first: dt.date = conference.start_date
    last: dt.date = conference.end_date
    if _chinese():
        start = f"{first.year}年{first.month}月{first.day}日"
        if first == last:
            return start
        if first.year != last.year:
            return f"{start}至{last.year}年{last.month}月{last.day}日"
        if first.month != last.month:
            return f"{start}至{last.month}月{last.day}日"
        return f"{start}至{last.day}日"
    if first == last:
        return formats.date_format(first, "j F Y")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{formats.date_format(last, 'j F Y')}"
    if first.year == last.year:
        return f"{formats.date_format(first, 'j F')} – {formats.date_format(last, 'j F Y')}"
    return f"{formats.date_format(first, 'j F Y')} – {formats.date_format(last, 'j F Y')}"


@register.filter
def venue_line(conference) -> str:
    """Venue and address in the reader's order: "Zhangjiang Science Hall, Pudong New Area,
    Shanghai, China"; in Chinese from the largest place to the building, without a comma:
    "中国上海市浦东新区张江科学会堂"."""
    venue, address = conference.venue.strip(), conference.address.strip()
    if not (venue and address):
        return venue or address
    if _chinese():
        return f"{address}{venue}"
    return gettext("%(venue)s, %(address)s") % {"venue": venue, "address": address}
