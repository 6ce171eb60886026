"""Officer load: case hours, capacity with reductions, utilisation, sustained overload — by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from caseweight.engine.load import (
    WEEKS_PER_MONTH,
    CaseHours,
    capacity_hours,
    current_load_hours,
    officer_loads,
    red_weeks_in_a_row,
    sustained_overload,
    utilisation_status,
)
from caseweight.engine.policy import load_policy
from caseweight.engine.workload import Absence, Case, Officer, Reduction, SiteWorkload

CSC = load_policy("csc-current")


def test_a_month_has_52_twelfths_of_a_week():
    assert WEEKS_PER_MONTH == pytest.approx(4.3333333)


def test_full_time_capacity_is_the_week_less_other_duties_in_hours_a_month():
    # 37.5 h × 1.0 × (1 − 0.10) = 33.75 h a week; × 52 / 12 = 146.25 h a month.
    assert capacity_hours(Officer("ANA"), CSC) == pytest.approx(146.25)


def test_capacity_with_fte_and_reductions_worked_by_hand():
    # 37.5 × 0.8 = 30 h; other duties 10% = 3 h; reductions 3 (training) + 2 (union) = 5 h
    # → 22 h a week × 52 / 12 = 95.3333 h a month.
    officer = Officer("BEA", fte=0.8, reductions=(Reduction(3, "training"), Reduction(2, "union")))
    assert officer.reduction_hours_per_week == 5
    assert capacity_hours(officer, CSC) == pytest.approx(22 * 52 / 12)


def test_reductions_larger_than_the_week_leave_no_capacity_rather_than_a_negative_one():
    officer = Officer("CLO", fte=0.5, reductions=(Reduction(20, "phased_return"),))
    assert capacity_hours(officer, CSC) == 0.0
    loads = officer_loads(SiteWorkload("OTT", "parole_office", (officer,)), CSC)
    assert loads[0].utilisation is None
    assert loads[0].status == "no_capacity"


def test_a_dated_reduction_is_in_force_when_it_overlaps_the_period():
    week = (dt.date(2025, 6, 2), dt.date(2025, 6, 8))
    assert Reduction(4, "committee", dt.date(2025, 6, 6), None).in_force(*week)
    assert Reduction(4, "committee", None, dt.date(2025, 6, 2)).in_force(*week)
    assert not Reduction(4, "committee", dt.date(2025, 6, 9), dt.date(2025, 7, 1)).in_force(*week)


def test_case_hours_are_activities_plus_factors_plus_approved_extra_hours():
    hours = CaseHours(CSC, "parole_office")
    # Level A at a parole office: contact 4 × 45 min + collateral 2 × 20 min + plan 180 min / 6 = 250 min.
    plain = Case("A1", "A")
    assert hours(plain) == pytest.approx(250 / 60)
    # mental_health 45 min + trauma 30 min = 1.25 h; approved extra 2 h.
    flagged = Case("A2", "A", frozenset({"mental_health", "trauma"}), extra_hours=2.0)
    assert hours(flagged) == pytest.approx(250 / 60 + 1.25 + 2.0)
    assert hours.breakdown(flagged) == pytest.approx(
        {"activities_hours": 250 / 60, "factors_hours": 1.25, "extra_hours": 2.0, "hours": 250 / 60 + 3.25}
    )


def test_officer_load_counts_own_cases_and_the_cases_they_cover_not_those_covered_by_others():
    site = SiteWorkload(
        "OTT",
        "parole_office",
        (Officer("ANA", other_case_hours=10.0), Officer("BOB", absences=(Absence(dt.date(2025, 6, 1), dt.date(2025, 6, 30)),))),
        (
            Case("A1", "A", officer="ANA"),
            Case("B1", "B", officer="BOB", covered_by="ANA"),  # ANA covers it while BOB is away
            Case("B2", "B", officer="BOB"),  # nobody covers it yet: still BOB's
            Case("N1", "A"),  # new: nobody's
        ),
        period=(dt.date(2025, 6, 2), dt.date(2025, 6, 8)),
    )
    a_hours, b_hours = 250 / 60, CaseHours(CSC, "parole_office")(Case("x", "B"))
    ana, bob = officer_loads(site, CSC)
    assert [c.ref for c in ana.cases] == ["A1"]
    assert [(c.ref, c.covering_for) for c in ana.covering] == [("B1", "BOB")]
    assert ana.load_hours == pytest.approx(10.0 + a_hours + b_hours)
    assert ana.utilisation == pytest.approx((10.0 + a_hours + b_hours) / 146.25)
    assert ana.present and not bob.present
    assert bob.load_hours == pytest.approx(b_hours)
    assert list(current_load_hours(site, CSC)) == pytest.approx([ana.load_hours, bob.load_hours])
    as_json = ana.to_dict()
    assert as_json["covering"] == [{"case": "B1", "hours": pytest.approx(b_hours), "covering_for": "BOB"}]
    assert as_json["capacity"]["capacity_hours_per_week"] == pytest.approx(33.75)


@pytest.mark.parametrize(
    ("value", "status"),
    [(0.0, "ok"), (0.9999, "ok"), (1.0, "amber"), (1.0999, "amber"), (1.10, "red"), (1.5, "red"), (None, "no_capacity")],
)
def test_utilisation_is_amber_from_100_percent_and_red_from_110(value, status):
    assert utilisation_status(value) == status


def test_four_red_weeks_in_a_row_are_a_sustained_overload():
    assert sustained_overload([0.9, 1.10, 1.2, 1.15, 1.11])


def test_three_red_weeks_or_a_broken_run_are_not():
    assert not sustained_overload([1.2, 1.2, 1.2])
    assert not sustained_overload([1.2, 1.2, 1.05, 1.2, 1.2])  # amber breaks the run
    assert not sustained_overload([1.2, 1.2, None, 1.2, 1.2])  # a week without a figure too
    assert not sustained_overload([])


def test_the_red_run_at_the_end_of_the_history_is_counted():
    assert red_weeks_in_a_row([1.2, 1.2, 1.2, 1.2, 0.8]) == 0
    assert red_weeks_in_a_row([0.8, 1.3, 1.1]) == 2
    assert sustained_overload([1.3] * 6, weeks=6) and not sustained_overload([1.3] * 5, weeks=6)
