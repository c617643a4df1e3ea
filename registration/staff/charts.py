"""The dashboard's "registrations per day" chart, drawn as SVG on the server (no JavaScript,
no CDN).

The SVG scales to its box (viewBox ``width`` x ``height`` user units): about 1:1 on a desktop
(site.css caps it at 40rem), about half size on a 390 px phone, where static/gotc/dashboard.css
doubles the text size. Labels are therefore spaced for text of ``PHONE_FONT`` units, the
larger of the two, so that they never overlap on either."""

import datetime as dt
import math

# Font size of the chart's text in user units on a phone (dashboard.css), the widest case.
PHONE_FONT = 20
# Estimated width of one character in ems: digits and Latin letters (CJK ones count double).
CHAR_EM = 0.6
# Estimated width of a day label ("27 May", "5月27日") in ems, and the room between two.
DAY_LABEL_EM = 4.0
LABEL_GAP = 12
MAX_BAR_WIDTH = 48
TOP = 24  # room above the tallest bar for its count
BOTTOM = 30  # room under the axis for the day labels


def chart(days: list[dict], width: int = 640, height: int = 200) -> dict:
    """The chart of ``days`` ({"day", "count"} in day order, days without registrations left
    out): a bar per day from the first to the last, days in between drawn as empty slots so
    that the axis is time; the busiest day fills the height.

    Returns ``bars`` (x, y, width, height, day, count, and count_x / count_y where its count
    is written above it), ``labels`` (day labels under some bars: every bar at most once, as
    many as fit without overlapping, the first and last day always when they fit), ``ticks``
    (the value axis: 0 and the maximum), ``left`` and ``base`` (the plot's left edge and the
    axis line's y), ``width``, ``height`` and ``max``."""
    if not days:
        return {"bars": [], "width": width, "height": height, "max": 0}
    days = _every_day(days)
    top = max(day["count"] for day in days) or 1
    left = max(40, round(len(str(top)) * CHAR_EM * PHONE_FONT) + 10)
    base = height - BOTTOM
    plot_height = base - TOP
    slot = (width - left) / len(days)
    bar_width = min(slot * 0.8, MAX_BAR_WIDTH)
    # Counts above the bars when the widest one fits in a slot; otherwise the axis and each
    # bar's tooltip and the chart's description say them.
    counts_fit = len(str(top)) * CHAR_EM * PHONE_FONT + 4 <= slot
    bars = []
    for index, day in enumerate(days):
        bar_height = plot_height * day["count"] / top
        centre = left + slot * index + slot / 2
        bar = {
            "x": round(centre - bar_width / 2, 1),
            "y": round(base - bar_height, 1),
            "width": round(bar_width, 1),
            "height": round(bar_height, 1),
            "centre": round(centre, 1),
            "day": day["day"],
            "count": day["count"],
        }
        if counts_fit and day["count"]:
            bar["count_x"] = bar["centre"]
            bar["count_y"] = round(base - bar_height - 6, 1)
        bars.append(bar)
    return {
        "bars": bars,
        "labels": _day_labels(bars, left, width),
        "ticks": [{"y": base, "value": 0}, {"y": TOP, "value": top}],
        "left": left,
        "base": base,
        "width": width,
        "height": height,
        "max": top,
    }


def _every_day(days: list[dict]) -> list[dict]:
    """``days`` with the days between the first and the last that had no registration."""
    counts = {day["day"]: day["count"] for day in days}
    first, last = days[0]["day"], days[-1]["day"]
    span = (last - first).days + 1
    every = (first + dt.timedelta(days=offset) for offset in range(span))
    return [{"day": day, "count": counts.get(day, 0)} for day in every]


def _day_labels(bars: list[dict], left: float, width: float) -> list[dict]:
    """Labels under every ``step``-th bar from the first, ``step`` the smallest that keeps
    them apart, and under the last bar; each centred under its bar but kept inside the chart,
    and left out when that brings it too close to the one before."""
    label_width = DAY_LABEL_EM * PHONE_FONT
    pitch = bars[1]["centre"] - bars[0]["centre"] if len(bars) > 1 else width
    step = max(1, math.ceil((label_width + LABEL_GAP) / pitch))
    half = label_width / 2
    labels: list[dict] = []
    for index in [*range(0, len(bars), step), len(bars) - 1]:
        x = round(min(max(bars[index]["centre"], left + half), width - half), 1)
        if labels and (x - labels[-1]["x"] < label_width + LABEL_GAP or labels[-1]["i"] == index):
            continue
        labels.append({"x": x, "day": bars[index]["day"], "i": index})
    return [{"x": label["x"], "day": label["day"]} for label in labels]
