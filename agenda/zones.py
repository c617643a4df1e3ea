"""Time zones as attendees and organizers call them: "Beijing time (UTC+8)", not
"Asia/Shanghai"."""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Zones with a name people use; any other zone is shown by its identifier ("Europe/Berlin").
ZONE_NAMES = {
    "Asia/Shanghai": _("Beijing time"),
    "Asia/Chongqing": _("Beijing time"),
    "PRC": _("Beijing time"),
    "UTC": _("Coordinated Universal Time"),
    "Etc/UTC": _("Coordinated Universal Time"),
}


def utc_offset(zone: str, at: dt.datetime | None = None) -> str:
    """``UTC+8``, ``UTC+5:30``, ``UTC-5``, ``UTC+0``: the zone's offset now (or at ``at``)."""
    offset = (at or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: str, at: dt.datetime | None = None) -> str:
    """The zone in words with its offset at ``at`` (a summer and a winter conference of the
    same zone may differ): "Beijing time (UTC+8)", "Europe/Berlin (UTC+2)"."""
    try:
        offset = utc_offset(zone, at)
    except (ZoneInfoNotFoundError, ValueError):
        return zone
    return gettext("%(zone)s (%(offset)s)") % {
        "zone": ZONE_NAMES.get(zone, zone),
        "offset": offset,
    }
