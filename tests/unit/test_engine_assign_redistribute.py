"""Redistributing an absent officer's cases among present colleagues."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseweight import codes
from caseweight.engine.assignment import redistribute_absence
from caseweight.engine.load import capacity_hours
from caseweight.engine.policy import load_policy
from caseweight.engine.rules import required_specialisations
from caseweight.engine.workload import Absence, Case, Officer, SiteWorkload

CSC = load_policy("csc-current")
FULL = 146.25
A_HOURS = 250 / 60  # a level-A case at a parole office
START, END = dt.date(2025, 6, 2), dt.date(2025, 6, 15)  # two weeks


def site():
    officers = (
        Officer("ANA", languages=frozenset({"en", "fr"})),  # the absent one
        Officer("BOB", other_case_hours=0.9 * FULL),
        Officer("CAT", other_case_hours=0.9 * FULL),
        Officer("DOT", absences=(Absence(dt.date(2025, 6, 10), dt.date(2025, 6, 11), "training"),)),
        Officer("EVE", other_case_hours=FULL, present=False),  # away too
    )
    cases = [Case(f"A{i}", "A", officer="ANA") for i in range(10)]
    cases += [Case("FR1", "A", language="fr", officer="ANA")]  # nobody else speaks French
    cases += [Case("COV", "A", officer="ANA", covered_by="BOB")]  # already covered
    cases += [Case("E1", "A", officer="EVE", covered_by="ANA")]  # ANA was covering it for EVE
    return SiteWorkload("OTT", "parole_office", officers, tuple(cases))


def test_the_absent_officers_cases_go_to_present_colleagues_only():
    plan = redistribute_absence(site(), CSC, "ANA", START, END)
    officers = {a.officer for a in plan.assignments}
    assert officers <= {"BOB", "CAT"}  # DOT is away two days of the fortnight
    assert all(a.from_officer == "ANA" for a in plan.assignments)
    assert {a.case for a in plan.assignments} == {f"A{i}" for i in range(10)} | {"E1"}


def test_every_case_of_the_absent_officer_appears_exactly_once():
    plan = redistribute_absence(site(), CSC, "ANA", START, END)
    listed = [a.case for a in plan.assignments] + [u.case for u in plan.unassignable]
    listed += [c["case"] for c in plan.extra["already_covered"]]
    assert sorted(listed) == sorted([f"A{i}" for i in range(10)] + ["FR1", "COV", "E1"])
    (fr1,) = plan.unassignable
    assert fr1.case == "FR1"
    assert "ANA: absent (the officer whose cases are redistributed)" not in fr1.reasons
    assert fr1.reasons[0] == "ANA: the absent officer whose cases are redistributed"
    assert "DOT: absent 2025-06-10 to 2025-06-11 (training); does not speak fr" in fr1.reasons


def test_overflow_is_the_load_above_capacity_that_needs_backfill():
    plan = redistribute_absence(site(), CSC, "ANA", START, END)
    # BOB and CAT start at 0.9 × 146.25 = 131.625 h (BOB also has B1: 4.1667 h); 11 cases of
    # 4.1667 h = 45.833 h arrive. Min-max: BOB 131.625 + 4.1667 + 5 cases, CAT 131.625 + 6 cases
    # → both 160.79 h; overflow 14.54 h each.
    bob, cat = plan.officer("BOB"), plan.officer("CAT")
    assert bob.load_after_hours == pytest.approx(0.9 * FULL + 6 * A_HOURS)
    assert cat.load_after_hours == pytest.approx(0.9 * FULL + 6 * A_HOURS)
    assert bob.overflow_hours == pytest.approx(0.9 * FULL + 6 * A_HOURS - FULL)
    assert plan.extra["overflow_hours"] == pytest.approx(2 * (0.9 * FULL + 6 * A_HOURS - FULL), abs=1e-3)
    assert plan.extra["uncovered_hours"] == pytest.approx(A_HOURS, abs=1e-3)  # FR1
    backfill = plan.extra["overflow_hours"] + plan.extra["uncovered_hours"]  # nobody overflowed before
    assert plan.extra["backfill_hours"] == pytest.approx(backfill, abs=2e-3)
    # Over the 14 days: hours a month × 12/52 a week × 2 weeks.
    assert plan.extra["backfill_hours_for_absence"] == pytest.approx(backfill * 12 / 52 * 2, abs=2e-3)
    assert plan.extra["absence"] == {"officer": "ANA", "start": "2025-06-02", "end": "2025-06-15", "days": 14}


def test_the_absent_officer_is_listed_but_not_counted_in_the_largest_utilisation():
    plan = redistribute_absence(site(), CSC, "ANA", START, END)
    ana = plan.officer("ANA")
    assert not ana.present
    assert ana.load_after_hours == pytest.approx(A_HOURS)  # FR1 stays with nobody else
    assert ana.cases_removed == 11
    assert plan.max_utilisation == pytest.approx((0.9 * FULL + 6 * A_HOURS) / FULL)


@st.composite
def sites_with_an_absence(draw):
    n = draw(st.integers(1, 4))
    officers = [
        Officer(
            f"P{j}",
            languages=frozenset(draw(st.lists(st.sampled_from(codes.LANGUAGES), min_size=1, unique=True))),
            specialisations=frozenset(draw(st.lists(st.sampled_from(codes.SPECIALISATIONS), unique=True))),
            present=draw(st.booleans()) or draw(st.booleans()),
            other_case_hours=draw(st.floats(0, 120)),
        )
        for j in range(n)
    ]
    codes_ = [o.code for o in officers]
    cases = []
    for i in range(draw(st.integers(0, 8))):
        carrier = draw(st.sampled_from(codes_))
        cover = draw(st.sampled_from([None, *codes_]))
        cases.append(
            Case(
                f"C{i}",
                draw(st.sampled_from(codes.SUPERVISION_LEVELS)),
                frozenset(draw(st.lists(st.sampled_from(["mental_health", "siu", "trauma"]), unique=True, max_size=2))),
                language=draw(st.sampled_from(codes.LANGUAGES)),
                officer=carrier,
                covered_by=cover if cover != carrier else None,
            )
        )
    return SiteWorkload("OTT", "parole_office", tuple(officers), tuple(cases)), draw(st.sampled_from(codes_))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sites_with_an_absence())
def test_redistribution_conserves_every_case_and_keeps_the_hard_rules(site_and_absent):
    site, absent = site_and_absent
    plan = redistribute_absence(site, CSC, absent, START, END)
    mine = [c.ref for c in site.cases if c.carrier == absent]
    covered = [c.ref for c in site.cases if c.officer == absent and c.covered_by not in (None, absent)]
    listed = [a.case for a in plan.assignments] + [u.case for u in plan.unassignable]
    assert sorted(listed) == sorted(mine)
    assert sorted(c["case"] for c in plan.extra["already_covered"]) == sorted(covered)
    by_ref = {c.ref: c for c in site.cases}
    for a in plan.assignments:
        o = site.officer(a.officer)
        case = by_ref[a.case]
        assert a.officer != absent and o.present and capacity_hours(o, CSC) > 0
        assert case.language in o.languages and set(required_specialisations(case, CSC)) <= o.specialisations
    # Hours are conserved: what leaves the absent officer arrives at the colleagues.
    before = sum(o.load_before_hours for o in plan.officers)
    after = sum(o.load_after_hours for o in plan.officers)
    assert after == pytest.approx(before)
