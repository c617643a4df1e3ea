"""The dashboard's "registrations per day" chart, drawn as SVG on the server (no JavaScript,
no CDN)."""


def chart(days: list[dict], width: int = 640, height: int = 200) -> dict:
    """Bars (x, y, width, height, day, count) for ``days`` ({"day", "count"} in day order),
    scaled so that the busiest day fills the height."""
    if not days:
        return {"bars": [], "width": width, "height": height, "max": 0}
    top = max(day["count"] for day in days) or 1
    gap = 2
    bar_width = max((width - 40) / len(days) - gap, 1)
    bars = []
    for index, day in enumerate(days):
        bar_height = (height - 30) * day["count"] / top
        bars.append(
            {
                "x": round(40 + index * (bar_width + gap), 1),
                "y": round(height - 20 - bar_height, 1),
                "width": round(bar_width, 1),
                "height": round(bar_height, 1),
                "day": day["day"],
                "count": day["count"],
            }
        )
    return {"bars": bars, "width": width, "height": height, "max": top}
