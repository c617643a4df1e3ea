"""registration.staff.charts: bars of the dashboard's registrations-per-day chart."""

import datetime as dt

from registration.staff.charts import chart

DAY = dt.date(2026, 3, 1)


def test_chart_without_days_has_no_bars():
    assert chart([]) == {"bars": [], "width": 640, "height": 200, "max": 0}


def test_chart_scales_the_busiest_day_to_the_full_height():
    days = [{"day": DAY, "count": 4}, {"day": DAY + dt.timedelta(days=1), "count": 2}]

    drawn = chart(days, width=240, height=130)

    # Plot from y=24 (room for the counts) down to the axis at 130 - 30 = 100.
    assert (drawn["max"], drawn["base"], drawn["left"]) == (4, 100, 40)
    assert [(bar["height"], bar["y"], bar["count"]) for bar in drawn["bars"]] == [
        (76.0, 24.0, 4),
        (38.0, 62.0, 2),
    ]
    # Two slots of 100 from x=40, bars 80% of a slot wide (at most 48), centred in them.
    assert [(bar["x"], bar["width"]) for bar in drawn["bars"]] == [(66.0, 48), (166.0, 48)]


def test_chart_of_days_without_registrations_draws_flat_bars():
    drawn = chart([{"day": DAY, "count": 0}])

    assert (drawn["max"], drawn["bars"][0]["height"]) == (1, 0.0)
