"""Weekly coverage: a hand-made week of three officers, one away, one away two days."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from caseweight.engine import weekly_coverage

# Hours a month that make round hours a week (× 12 / 52).
A_WEEK = 52 / 12


def officers() -> list[dict]:
    return [
        {"code": "A", "fte": 1, "cases": [{"ref": "a1", "hours": 20 * A_WEEK}, {"ref": "a2", "hours": 10 * A_WEEK}]},
        {"code": "B", "fte": 1, "hours": 30 * A_WEEK},
        {"code": "C", "fte": 0.5, "case_hours": [15 * A_WEEK]},
    ]


ABSENCES = [
    {"officer": "A", "kind": "sick", "start": "2025-03-03", "end": "2025-03-07"},  # the whole ISO week 10
    {"officer": "B", "kind": "annual", "start": "2025-03-06", "end": "2025-03-20"},  # Thursday and Friday
    {"officer": "Z", "kind": "sick", "start": "2025-03-03", "end": "2025-03-07"},  # not at this site
]


def by_code(week: dict) -> dict:
    return {row["code"]: row for row in week["officers"]}


def test_who_is_present_partly_away_and_away_in_the_week():
    week = weekly_coverage(officers=officers(), absences=ABSENCES, iso_year=2025, iso_week=10)
    rows = by_code(week)
    assert (week["week_start"], week["week_end"], week["working_days"]) == ("2025-03-03", "2025-03-07", 5)
    assert [rows[c]["status"] for c in "ABC"] == ["away", "partly_away", "present"]
    assert [rows[c]["days_away"] for c in "ABC"] == [5, 2, 0]
    assert (week["present"], week["partly_away"], week["away"]) == (1, 1, 1)
    assert rows["A"]["absences"] == [{"kind": "sick", "start": "2025-03-03", "end": "2025-03-07"}]


def test_the_cases_of_absent_officers_are_listed_with_the_hours_that_need_cover():
    week = weekly_coverage(officers=officers(), absences=ABSENCES, iso_year=2025, iso_week=10)
    cases = [(c["officer"], c["ref"], round(c["hours"], 9)) for c in week["absent_cases"]]
    # A's two cases for the whole week; B's load for 2 of 5 days: 30 × 2/5 = 12 h.
    assert cases == [("A", "a1", 20.0), ("A", "a2", 10.0), ("B", None, 12.0)]
    assert math.isclose(week["hours_to_cover"], 42.0)


def test_cover_is_shared_in_proportion_to_fte_times_days_at_work():
    week = weekly_coverage(officers=officers(), absences=ABSENCES, iso_year=2025, iso_week=10, share="fte")
    rows = by_code(week)
    # Weights: B 1 × 3/5 = 0.6, C 0.5 × 1 = 0.5. B takes 42 × 0.6 / 1.1, C 42 × 0.5 / 1.1.
    assert math.isclose(rows["B"]["cover_hours"], 42 * 0.6 / 1.1)
    assert math.isclose(rows["C"]["cover_hours"], 42 * 0.5 / 1.1)
    # B works 3 days of own load (18 h) plus cover; paid 37.5 × 3/5 = 22.5 h.
    assert math.isclose(rows["B"]["load_hours"], 18 + 42 * 0.6 / 1.1)
    assert math.isclose(rows["B"]["paid_hours"], 22.5)
    assert math.isclose(rows["B"]["over_hours"], 18 + 42 * 0.6 / 1.1 - 22.5)
    # C, half time: 15 h own + cover, paid 18.75 h.
    assert math.isclose(rows["C"]["over_hours"], 15 + 42 * 0.5 / 1.1 - 18.75)
    # Nothing is lost: the officers at work carry the whole week's work.
    assert math.isclose(rows["B"]["load_hours"] + rows["C"]["load_hours"], 30 + 30 + 15)
    assert math.isclose(week["over_hours"], rows["B"]["over_hours"] + rows["C"]["over_hours"])
    assert week["uncovered_hours"] == 0


def test_shared_evenly_cover_follows_days_at_work_only():
    week = weekly_coverage(officers=officers(), absences=ABSENCES, iso_year=2025, iso_week=10, share="even")
    rows = by_code(week)
    assert math.isclose(rows["B"]["cover_hours"], 42 * 0.6 / 1.6)
    assert math.isclose(rows["C"]["cover_hours"], 42 * 1.0 / 1.6)
    assert rows["A"]["cover_hours"] == 0 and rows["A"]["load_hours"] == 0


def test_with_nobody_at_work_the_whole_load_is_uncovered():
    everyone = [{"officer": c, "kind": "training", "start": "2025-03-03", "end": "2025-03-07"} for c in "ABC"]
    week = weekly_coverage(officers=officers(), absences=everyone, iso_year=2025, iso_week=10)
    assert week["away"] == 3 and week["load_per_officer_at_work"] is None
    assert math.isclose(week["uncovered_hours"], 75.0)


def test_a_holiday_closes_the_day_for_everyone():
    week = weekly_coverage(officers=officers(), absences=ABSENCES, iso_year=2025, iso_week=10,
                           closed_days=[dt.date(2025, 3, 7)])  # fmt: skip
    rows = by_code(week)
    assert week["working_days"] == 4
    assert rows["B"]["days_away"] == 1  # only Thursday is a working day away
    assert math.isclose(rows["B"]["own_hours_to_cover"], 30 / 4)


def test_other_duties_are_carried_with_the_cases():
    week = weekly_coverage(officers=officers(), absences=[], iso_year=2025, iso_week=10, other_duties_share=0.1)
    assert math.isclose(by_code(week)["A"]["own_hours"], 30 / 0.9)
    assert week["hours_to_cover"] == 0 and week["present"] == 3


def test_an_unknown_share_rule_is_refused():
    with pytest.raises(ValueError, match="unknown share 'random'"):
        weekly_coverage(officers=officers(), iso_year=2025, iso_week=10, share="random")
