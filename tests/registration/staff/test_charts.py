"""registration.staff.charts: bars of the dashboard's registrations-per-day chart."""

import datetime as dt

from registration.staff.charts import chart

DAY = dt.date(2026, 3, 1)


def test_chart_without_days_has_no_bars():
    assert chart([]) == {"bars": [], "width": 640, "height": 200, "max": 0}


def test_chart_scales_the_busiest_day_to_the_full_height():
    days = [{"day": DAY, "count": 4}, {"day": DAY + dt.timedelta(days=1), "count": 2}]

    drawn = chart(days, width=240, height=130)

    assert drawn["max"] == 4
    assert [(bar["height"], bar["y"], bar["count"]) for bar in drawn["bars"]] == [
        (100.0, 10.0, 4),
        (50.0, 60.0, 2),
    ]
    assert [(bar["x"], bar["width"]) for bar in drawn["bars"]] == [(40, 98.0), (140.0, 98.0)]


def test_chart_of_days_without_registrations_draws_flat_bars():
    drawn = chart([{"day": DAY, "count": 0}])

    assert (drawn["max"], drawn["bars"][0]["height"]) == (1, 0.0)
