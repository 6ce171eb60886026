"""Explanations: every line's children add up to it, and the total is the method's figure."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseweight import codes
from caseweight.engine.explain import Line, explain_site
from caseweight.engine.inputs import LEVELS, inputs_from_arrays, inputs_from_tables, security_mask
from caseweight.engine.policy import load_policy
from caseweight.engine.ratio import NO_PAROLE_OFFICE_RATIO, ratio_staffing
from caseweight.engine.time_standard import time_standard_staffing

CSC = load_policy("csc-current")
USJE = load_policy("usje-2021")


def assert_adds_up(line: Line):
    for node in line.walk():
        if node.children:
            total = math.fsum(child.value for child in node.children)
            assert math.isclose(total, node.value, rel_tol=1e-12, abs_tol=1e-12), node.label


def kingston():
    return inputs_from_tables(
        {
            "sites": [
                {"code": "KIN", "region": "ONT", "kind": "institution", "security_levels": "medium;maximum"},
                {"code": "OTT", "region": "ONT", "kind": "parole_office"},
            ],
            "officers": [
                {"code": "P1", "site": "KIN", "role": "po", "fte": "1"},
                {"code": "P2", "site": "KIN", "role": "po", "fte": "1"},
                {"code": "P3", "site": "KIN", "role": "po", "fte": "0.5"},
            ],
            "cases": [{"ref": f"m{i}", "site": "KIN", "security_level": "medium"} for i in range(56)]
            + [{"ref": f"x{i}", "site": "KIN", "security_level": "maximum", "factors": "siu"} for i in range(60)]
            + [{"ref": "o1", "site": "OTT", "supervision_level": "A"}],
        },
        site_addon_hours={"KIN": 10},
    )


def test_a_hybrid_site_s_ratio_explanation_shows_each_level_with_its_policy_key():
    explanation = explain_site(kingston(), CSC, "KIN", method="ratio")
    total = explanation.total
    assert total.value == 4.0 and total.numbers["positions"] == 4
    assert [(line.label, line.value, line.key) for line in total.children] == [
        ("medium: 56 cases ÷ 28 a parole officer", 2.0, "ratios.institution.medium"),
        ("maximum: 60 cases ÷ 30 a parole officer", 2.0, "ratios.institution.maximum"),
    ]
    actual, gap = explanation.lines[1], explanation.lines[2]
    assert actual.value == 2.5 and actual.numbers["officers"] == 3
    assert gap.value == 1.5
    for line in explanation.lines:
        assert_adds_up(line)


def test_under_the_lowest_ratio_rule_the_explanation_names_the_ratio_used():
    explanation = explain_site(kingston(), USJE, "KIN", method="ratio")
    maximum = explanation.total.children[1]
    assert maximum.label == "maximum: 60 cases ÷ 23 a parole officer (lowest ratio of the site's levels)"
    assert maximum.keys == ("ratios.institution.medium", "ratios.hybrid")
    assert math.isclose(explanation.total.value, 116 / 23)
    assert explanation.total.numbers["positions"] == 6


def test_a_parole_office_ratio_explanation_says_why_there_is_none():
    explanation = explain_site(kingston(), CSC, "OTT", method="ratio")
    assert not explanation.applies and explanation.reason == NO_PAROLE_OFFICE_RATIO and explanation.lines == ()


def test_a_time_explanation_goes_down_to_activities_factors_and_allowances():
    inputs = kingston()
    explanation = explain_site(inputs, CSC, "KIN", method="time")
    total = explanation.total
    case_work, other_duties, addon = total.children
    assert [line.numbers["cases"] for line in case_work.children[:2]] == [56, 60]
    keys = {key for line in total.walk() for key in line.keys}
    assert "activities.offender_interview.frequency.medium" in keys
    assert "activities.offender_interview.minutes" in keys
    assert "complexity_factors.siu.minutes" in keys
    assert other_duties.key == "other_duties.share"
    # SIU: 60 cases × 90 min = 90 h a month.
    factors = case_work.children[2]
    assert factors.children[0].numbers == {"cases": 60, "minutes": 90.0, "hours": 90.0}
    assert addon.numbers["hours"] == 10
    awt = explanation.lines[1]
    assert awt.value == 127.1875 and [c.key for c in awt.children] == [
        "time.weeks_per_year",
        "allowances.holidays",
        "allowances.annual_leave",
        "allowances.sick_leave",
        "allowances.training",
        "allowances.other_absence",
    ]
    for line in explanation.lines:
        assert_adds_up(line)
    bulk = time_standard_staffing(inputs, CSC)
    assert math.isclose(total.value, bulk.required_fte[0], rel_tol=1e-12)
    # Every key in an explanation is a cited number of the policy, so the UI can show its source.
    assert all(key in CSC.cited for key in keys)


def test_explanations_are_bilingual():
    explanation = explain_site(kingston(), CSC, "KIN", method="time", language="fr")
    assert explanation.total.label == "ETP requis selon les normes de temps"
    assert "Entrevue avec le délinquant" in json.dumps(explanation.to_dict(), ensure_ascii=False)


def test_an_explanation_serialises_to_json():
    data = explain_site(kingston(), USJE, "KIN", method="time").to_dict()
    text = json.dumps(data, allow_nan=False)
    assert data["lines"][0]["children"][0]["children"][0]["children"][0]["key"].startswith("activities.")
    assert '"unit": "FTE"' in text


def test_an_unknown_site_or_method_is_refused():
    with pytest.raises(KeyError, match="unknown site 'XYZ'"):
        explain_site(kingston(), CSC, "XYZ", method="time")
    with pytest.raises(ValueError, match="unknown method 'sideways'"):
        explain_site(kingston(), CSC, "KIN", method="sideways")


@st.composite
def sites(draw):
    n_sites = draw(st.integers(1, 4))
    kinds = draw(st.lists(st.sampled_from(codes.SITE_KINDS), min_size=n_sites, max_size=n_sites))
    masks = [draw(st.integers(1, 7)) if kind == "institution" else 0 for kind in kinds]
    case_site, case_level = [], []
    for s, kind in enumerate(kinds):
        allowed = [i for i in range(3) if masks[s] >> i & 1] if kind == "institution" else list(range(3, 8))
        levels = draw(st.lists(st.sampled_from(allowed), max_size=40))
        case_site += [s] * len(levels)
        case_level += levels
    n = len(case_site)
    factors = draw(st.lists(st.integers(0, 2047), min_size=n, max_size=n))
    extra = draw(st.lists(st.sampled_from([0.0, 0.25, 3.0]), min_size=n, max_size=n))
    addon = draw(st.lists(st.sampled_from([0.0, 7.5, 40.0]), min_size=n_sites, max_size=n_sites))
    fte = draw(st.lists(st.sampled_from([0.5, 0.8, 1.0]), max_size=6))
    officer_site = draw(st.lists(st.integers(0, n_sites - 1), min_size=len(fte), max_size=len(fte)))
    return inputs_from_arrays(
        site_codes=[f"S{i}" for i in range(n_sites)],
        site_regions=["ONT"] * n_sites,
        site_kinds=kinds,
        site_security_levels=np.array(masks, dtype=np.uint8),
        site_addon_hours=addon,
        officer_site=np.array(officer_site, dtype=np.int32),
        officer_fte=np.array(fte),
        case_site=np.array(case_site, dtype=np.int32),
        case_level=np.array(case_level, dtype=np.int8),
        case_factors=np.array(factors, dtype=np.uint16),
        case_extra_hours=np.array(extra),
    )


@settings(max_examples=150, deadline=None)
@given(inputs=sites(), policy=st.sampled_from([CSC, USJE]))
def test_explanations_add_up_and_match_the_methods(inputs, policy):
    ratio = ratio_staffing(inputs, policy)
    time = time_standard_staffing(inputs, policy)
    for s, code in enumerate(inputs.sites.codes):
        for method, result in (("ratio", ratio), ("time", time)):
            explanation = explain_site(inputs, policy, code, method=method)
            if not explanation.applies:
                assert method == "ratio" and not ratio.applies[s]
                continue
            for line in explanation.lines:
                assert_adds_up(line)
            assert math.isclose(explanation.total.value, result.required_fte[s], rel_tol=1e-12, abs_tol=1e-12)
            assert explanation.total.numbers["positions"] == result.positions[s]
            assert explanation.total.numbers["cases"] == inputs.cases_per_site[s]


def test_level_names_in_explanations_are_the_codes():
    assert set(LEVELS) == set(codes.SECURITY_LEVELS) | set(codes.SUPERVISION_LEVELS)
    assert security_mask(["minimum", "maximum"]) == 0b101
