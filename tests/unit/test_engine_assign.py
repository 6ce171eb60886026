"""Assigning new cases at a site: the single-case recommendation worked by hand, the batch plan,
unassignable cases with reasons, and hard rules that are never broken."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseweight import codes
from caseweight.engine.assignment import assign_cases, recommend_officers
from caseweight.engine.load import CaseHours, capacity_hours
from caseweight.engine.policy import load_policy
from caseweight.engine.rules import required_specialisations
from caseweight.engine.workload import Absence, Case, Officer, Reduction, SiteWorkload

CSC = load_policy("csc-current")
WEEK = (dt.date(2025, 6, 2), dt.date(2025, 6, 8))
FULL = 146.25  # a full-time officer's capacity: 37.5 × 0.9 × 52 / 12 hours a month
# The new case: intensive at a parole office = 8 contacts × 45 + 4 collateral × 20 + 180 / 6
# = 470 min = 7.8333 h; indigenous_planning adds 60 min (and requires the indigenous specialisation)
# → 8.8333 h a month.
NEW = Case("N1", "intensive", frozenset({"indigenous_planning"}), language="fr", former_officers=("BEA", "DAN"))
NEW_HOURS = 470 / 60 + 1.0
FR_INDIGENOUS = dict(languages=frozenset({"fr"}), specialisations=frozenset({"indigenous"}))


def officer(code, share_of_capacity=0.0, **kwargs):
    """An officer whose other cases take the given share of a full-time capacity."""
    return Officer(code, other_case_hours=share_of_capacity * FULL, **kwargs)


def ranking_site():
    return SiteWorkload(
        "OTT",
        "parole_office",
        (
            officer("ANA", 0.92, languages=frozenset({"en", "fr"}), specialisations=frozenset({"indigenous"})),
            officer("BEA", 1.00, **FR_INDIGENOUS),  # former officer, full: 106% after
            officer("CLO", 0.50, **FR_INDIGENOUS),
            officer("DAN", 1.05, **FR_INDIGENOUS),  # former officer, but 111% after: red
            officer("EVE", 0.10),  # speaks English only
            officer("FAY", 0.10, languages=frozenset({"fr"})),  # no indigenous specialisation
            officer("GUS", 0.10, absences=(Absence(dt.date(2025, 6, 4), dt.date(2025, 6, 5), "sick"),), **FR_INDIGENOUS),
            officer("HAL", 0.0, reductions=(Reduction(33.75, "union"),), **FR_INDIGENOUS),  # no capacity left
        ),
        (NEW,),
        period=WEEK,
    )


def test_the_new_case_hours_are_worked_by_hand():
    assert CaseHours(CSC, "parole_office")(NEW) == pytest.approx(NEW_HOURS)
    assert required_specialisations(NEW, CSC) == {"indigenous": ("indigenous_planning",)}


def test_the_recommendation_ranks_by_soft_rules_then_utilisation_after_and_red_last():
    rec = recommend_officers(ranking_site(), CSC, "N1")
    # BEA: continuity (2 points), 100% → 106.04%.  CLO: 0 points, 50% → 56.04%.
    # ANA: 0 points, 92% → 98.04%.  DAN: continuity, but 105% → 111.04% is red: last.
    assert [c.officer for c in rec.candidates] == ["BEA", "CLO", "ANA", "DAN"]
    by_code = {c.officer: c for c in rec.candidates}
    for code, before in (("ANA", 0.92), ("BEA", 1.00), ("CLO", 0.50), ("DAN", 1.05)):
        assert by_code[code].utilisation_before == pytest.approx(before)
        assert by_code[code].utilisation_after == pytest.approx(before + NEW_HOURS / FULL)
    assert NEW_HOURS / FULL == pytest.approx(0.0604, abs=1e-4)
    assert by_code["ANA"].summary == "takes ANA from 92% to 98%"
    assert [c.points for c in rec.candidates] == [2, 0, 0, 2]
    assert rec.hours == pytest.approx(NEW_HOURS)


def test_the_recommendation_gives_the_reasons_for_each_officer():
    rec = recommend_officers(ranking_site(), CSC, NEW)
    bea = rec.candidates[0]
    assert [r.rule for r in bea.reasons] == ["present", "language", "specialisation", "continuity"]
    assert [r.text for r in bea.reasons][1:] == [
        "speaks fr",
        "has the indigenous specialisation required by indigenous_planning",
        "former officer of this case (continuity)",
    ]
    excluded = {code: [r.rule for r in reasons] for code, reasons in rec.excluded}
    assert excluded == {
        "EVE": ["language", "specialisation"],
        "FAY": ["specialisation"],
        "GUS": ["absent"],
        "HAL": ["no_capacity"],
    }
    gus = dict(rec.excluded)["GUS"][0]
    assert gus.text == "absent 2025-06-04 to 2025-06-05 (sick)"
    as_json = rec.to_dict()
    # Rule codes and parameters let a page say it in French.
    assert next(e for e in as_json["excluded"] if e["officer"] == "GUS")["reasons"] == [
        {"rule": "absent", "text": "absent 2025-06-04 to 2025-06-05 (sick)",
         "params": {"start": "2025-06-04", "end": "2025-06-05", "kind": "sick"}},
    ]  # fmt: skip
    assert next(e for e in as_json["excluded"] if e["officer"] == "FAY")["reasons"][0]["params"] == {
        "specialisation": "indigenous", "factors": "indigenous_planning",
    }  # fmt: skip
    assert as_json["candidates"][0]["status_after"] == "amber"
    assert as_json["candidates"][3]["status_after"] == "red"
    json.dumps(as_json)


def test_a_preferred_specialisation_ranks_an_officer_first_when_others_are_equal():
    case = Case("N2", "A", preferred_specialisations=frozenset({"women"}))
    site = SiteWorkload("OTT", "parole_office", (officer("ANA", 0.5), officer("BOB", 0.5, specialisations=frozenset({"women"})),
                                                   officer("CAT", 0.4)), (case,))  # fmt: skip
    rec = recommend_officers(site, CSC, case)
    assert [c.officer for c in rec.candidates] == ["BOB", "CAT", "ANA"]
    assert rec.candidates[0].reasons[-1].text == "has the preferred women specialisation"


def test_a_factor_that_the_policy_does_not_require_makes_its_specialisation_a_preference():
    from caseweight.engine.policy import parse_policy
    from caseweight.engine.rules import preferred_specialisations

    assert preferred_specialisations(Case("x", "A", frozenset({"mental_health"})), CSC) == frozenset()  # required instead
    data = _policy_data_without_mental_health_requirement()
    relaxed = parse_policy(data, name="csc-current")
    case = Case("x", "A", frozenset({"mental_health"}))
    assert required_specialisations(case, relaxed) == {}
    assert preferred_specialisations(case, relaxed) == {"mental_health"}


def _policy_data_without_mental_health_requirement():
    import tomllib

    data = tomllib.loads(CSC.path.read_text(encoding="utf-8"))
    del data["complexity_factors"]["mental_health"]["specialisation"]
    return data


# --- the batch ---------------------------------------------------------------------------------


def batch_site():
    officers = (
        officer("ANA", 0.60, languages=frozenset({"en", "fr"})),
        officer("BOB", 0.80),
        officer("CAT", 0.70, specialisations=frozenset({"mental_health"})),
        officer("DOT", 0.10, absences=(Absence(dt.date(2025, 6, 1), dt.date(2025, 6, 20), "annual"),)),
    )
    cases = [Case(f"A{i}", "A") for i in range(8)]
    cases += [Case("F1", "B", language="fr"), Case("M1", "intensive", frozenset({"mental_health"}))]
    cases += [Case("S1", "C", frozenset({"siu"}))]  # nobody has the SIU specialisation
    cases += [Case("K1", "A", former_officers=("BOB",)), Case("OLD", "A", officer="ANA")]
    return SiteWorkload("OTT", "parole_office", officers, tuple(cases), period=WEEK)


def test_the_batch_assigns_every_new_case_that_someone_may_take_and_lists_the_rest():
    plan = assign_cases(batch_site(), CSC)
    assigned = {a.case: a.officer for a in plan.assignments}
    assert set(assigned) == {f"A{i}" for i in range(8)} | {"F1", "M1", "K1"}
    assert assigned["F1"] == "ANA"  # the only French speaker present
    assert assigned["M1"] == "CAT"  # the only mental-health specialist
    assert "DOT" not in assigned.values()  # on leave
    assert [u.case for u in plan.unassignable] == ["S1"]
    assert plan.solver == "cp-sat" and plan.status == "optimal"
    assert plan.max_utilisation == pytest.approx(plan.lower_bound)


def test_unassignable_cases_say_which_rule_excluded_each_officer():
    plan = assign_cases(batch_site(), CSC)
    (s1,) = plan.unassignable
    assert s1.reasons == [
        "ANA: lacks the siu specialisation required by siu",
        "BOB: lacks the siu specialisation required by siu",
        "CAT: lacks the siu specialisation required by siu",
        "DOT: absent 2025-06-01 to 2025-06-20 (annual); lacks the siu specialisation required by siu",
    ]


def test_a_site_without_officers_lists_every_case_as_unassignable():
    plan = assign_cases(SiteWorkload("OTT", "parole_office", (), (Case("A1", "A"),)), CSC)
    assert plan.unassignable[0].reasons == ["no parole officer at the site"]
    assert plan.assignments == () and plan.max_utilisation == 0.0


def test_the_batch_minimises_the_largest_utilisation_then_honours_continuity():
    # Two equal empty officers, two equal new cases: one each; the one whose former officer is
    # BOB goes to BOB.
    site = SiteWorkload("OTT", "parole_office", (officer("ANA"), officer("BOB")),
                        (Case("K1", "A", former_officers=("BOB",)), Case("K2", "A")))  # fmt: skip
    plan = assign_cases(site, CSC)
    assert {a.case: a.officer for a in plan.assignments} == {"K1": "BOB", "K2": "ANA"}
    assert plan.assignments[0].reasons[0].rule == "continuity"
    assert plan.to_dict()["soft"] == {"points": 2, "status": "optimal"}


def test_continuity_never_costs_utilisation():
    # Both cases were BOB's, but both on BOB would make him the most utilised.
    site = SiteWorkload("OTT", "parole_office", (officer("ANA"), officer("BOB")),
                        (Case("K1", "A", former_officers=("BOB",)), Case("K2", "A", former_officers=("BOB",))))  # fmt: skip
    plan = assign_cases(site, CSC)
    assert sorted(a.officer for a in plan.assignments) == ["ANA", "BOB"]


def test_the_plan_json_holds_the_solver_status_bound_officers_assignments_and_unassignable():
    data = json.loads(json.dumps(assign_cases(batch_site(), CSC).to_dict()))
    assert {"solver", "status", "lower_bound", "max_utilisation", "officers", "assignments", "unassignable"} <= set(data)
    assert set(data["officers"][0]) >= {"officer", "capacity_hours", "load_before_hours", "load_after_hours",
                                        "utilisation_before", "utilisation_after"}  # fmt: skip
    assert set(data["assignments"][0]) >= {"case", "officer", "hours"}
    assert set(data["unassignable"][0]) >= {"case", "reasons"}
    ana = next(o for o in data["officers"] if o["officer"] == "ANA")
    assert ana["load_after_hours"] == pytest.approx(ana["load_before_hours"] + ana["hours_added"], abs=2e-3)
    dot = next(o for o in data["officers"] if o["officer"] == "DOT")
    assert dot["present"] is False and dot["status_after"] == "absent"


def test_the_greedy_fallback_gives_a_plan_that_keeps_the_hard_rules():
    plan = assign_cases(batch_site(), CSC, use_cp_sat=False)
    assert plan.solver == "greedy"
    assert {a.case for a in plan.assignments} == {f"A{i}" for i in range(8)} | {"F1", "M1", "K1"}
    assert plan.max_utilisation >= plan.lower_bound - 1e-12


# --- hard rules, on random sites -----------------------------------------------------------------

FACTORS = ("mental_health", "indigenous_planning", "siu", "trauma")


@st.composite
def random_sites(draw):
    officers = []
    for j in range(draw(st.integers(0, 4))):
        officers.append(
            Officer(
                f"P{j}",
                fte=draw(st.sampled_from([0.5, 0.8, 1.0])),
                languages=frozenset(draw(st.lists(st.sampled_from(codes.LANGUAGES), min_size=1, unique=True))),
                specialisations=frozenset(draw(st.lists(st.sampled_from(codes.SPECIALISATIONS), unique=True))),
                present=draw(st.booleans()) or draw(st.booleans()),
                reductions=(Reduction(draw(st.sampled_from([0, 5, 40])), "training"),),
                other_case_hours=draw(st.floats(0, 150)),
            )
        )
    codes_ = [o.code for o in officers]
    cases = [
        Case(
            f"C{i}",
            draw(st.sampled_from(codes.SUPERVISION_LEVELS)),
            frozenset(draw(st.lists(st.sampled_from(FACTORS), unique=True, max_size=2))),
            language=draw(st.sampled_from(codes.LANGUAGES)),
            extra_hours=draw(st.sampled_from([0.0, 2.0])),
            former_officers=tuple(draw(st.lists(st.sampled_from(codes_), unique=True, max_size=2))) if codes_ else (),
        )
        for i in range(draw(st.integers(0, 7)))
    ]
    return SiteWorkload("OTT", "parole_office", tuple(officers), tuple(cases), period=WEEK)


def allowed(site, officer_code, case):
    o = site.officer(officer_code)
    return (
        o.present
        and capacity_hours(o, CSC) > 0
        and case.language in o.languages
        and set(required_specialisations(case, CSC)) <= o.specialisations
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_sites(), st.booleans())
def test_hard_rules_are_never_broken_and_every_case_is_placed_or_explained(site, use_cp_sat):
    plan = assign_cases(site, CSC, use_cp_sat=use_cp_sat)
    by_ref = {c.ref: c for c in site.cases}
    assigned = [a.case for a in plan.assignments]
    unassignable = [u.case for u in plan.unassignable]
    assert sorted(assigned + unassignable) == sorted(by_ref)  # each case exactly once
    for a in plan.assignments:
        assert allowed(site, a.officer, by_ref[a.case])
    for u in plan.unassignable:
        assert not any(allowed(site, o.code, by_ref[u.case]) for o in site.officers)
        assert {officer for officer, _ in u.exclusions} == {o.code for o in site.officers}
    assert plan.max_utilisation >= plan.lower_bound - 1e-12
    for change in plan.officers:
        added = sum(a.hours for a in plan.assignments if a.officer == change.officer)
        assert change.load_after_hours == pytest.approx(change.load_before_hours + added)


def test_hard_rule_breaks_names_each_rule_a_move_would_break():
    from caseweight.engine.assignment import hard_rule_breaks

    site = SiteWorkload("OTT", "parole_office", (
        Officer("ANA", **FR_INDIGENOUS),
        Officer("BEN", languages=frozenset({"en"})),
        Officer("CAT", absences=(Absence(dt.date(2025, 6, 3), dt.date(2025, 6, 4), "sick"),), **FR_INDIGENOUS),
    ), cases=(NEW,), period=WEEK)  # fmt: skip
    assert hard_rule_breaks(site, CSC, [("N1", "ANA")], period=WEEK) == {}
    (officer_code, reasons), = hard_rule_breaks(site, CSC, [("N1", "BEN")], period=WEEK).values()
    assert officer_code == "BEN" and [r.rule for r in reasons] == ["language", "specialisation"]
    assert [r.rule for r in hard_rule_breaks(site, CSC, [("N1", "CAT")], period=WEEK)["N1"][1]] == ["absent"]
    assert [r.rule for r in hard_rule_breaks(site, CSC, [("N1", "ANA")], period=WEEK, excluded=frozenset({"ANA"}))["N1"][1]] == ["absent"]
    assert hard_rule_breaks(site, CSC, [("N1", "ZED")], period=WEEK)["N1"][0] == "ZED"  # not an officer of the site
