"""The engine's weeks at the ends of the calendar (an absence recorded in year 1 or 9999)."""

from __future__ import annotations

import datetime as dt

from caseweight.engine.workload import week_of


def test_the_week_of_a_day_in_the_calendars_last_days_stops_at_its_last_day():
    assert week_of(dt.date(9999, 12, 31)) == (dt.date(9999, 12, 27), dt.date(9999, 12, 31))
    assert week_of(dt.date(9999, 12, 26)) == (dt.date(9999, 12, 20), dt.date(9999, 12, 26))


def test_the_week_of_the_calendars_first_day_is_its_first_week():
    assert week_of(dt.date(1, 1, 3)) == (dt.date(1, 1, 1), dt.date(1, 1, 7))
