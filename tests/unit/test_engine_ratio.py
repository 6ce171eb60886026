"""The ratio method, with figures worked by hand from the seeds' ratios.

csc-current: 1:25 minimum, 1:28 medium, 1:30 maximum, CCC 1:10, each case at its own level.
usje-2021:   1:20 minimum, 1:23 medium, 1:25 maximum, CCC 1:8, lowest ratio of a hybrid's levels.
"""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseweight.engine.inputs import inputs_from_arrays, inputs_from_tables, level_code, security_mask
from caseweight.engine.policy import SHIPPED_DIR, load_policy, parse_policy
from caseweight.engine.ratio import NO_PAROLE_OFFICE_RATIO, positions_for, ratio_staffing, required_fte_for_counts

CSC = load_policy("csc-current")
USJE = load_policy("usje-2021")


def one_site(kind: str, levels: str, counts: dict[str, int], officers: list[float] = ()):
    cases = []
    for level, n in counts.items():
        column = "security_level" if kind == "institution" else "supervision_level"
        cases += [{"ref": f"{level}-{i}", "site": "S", column: level, "opened": "2025-01-01"} for i in range(n)]
    return inputs_from_tables(
        {
            "sites": [{"code": "S", "region": "ONT", "kind": kind, "security_levels": levels}],
            "officers": [{"code": f"PO{i}", "site": "S", "role": "po", "fte": str(f)} for i, f in enumerate(officers)],
            "cases": cases,
        }
    )


def ratio_of(policy, kind, levels, counts, officers=()):
    result = ratio_staffing(one_site(kind, levels, counts, officers), policy)
    return result, float(result.required_fte[0]), int(result.positions[0])


def test_a_minimum_institution_with_100_cases_needs_4_fte_today_and_5_under_usje():
    _, required, positions = ratio_of(CSC, "institution", "minimum", {"minimum": 100})
    assert (required, positions) == (4.0, 4)  # 100 / 25
    _, required, positions = ratio_of(USJE, "institution", "minimum", {"minimum": 100})
    assert (required, positions) == (5.0, 5)  # 100 / 20


def test_a_hybrid_medium_maximum_site_counts_each_level_today_but_the_lowest_ratio_under_usje():
    counts = {"medium": 56, "maximum": 60}
    _, required, positions = ratio_of(CSC, "institution", "medium;maximum", counts)
    assert (required, positions) == (4.0, 4)  # 56 / 28 + 60 / 30 = 2 + 2
    _, required, positions = ratio_of(USJE, "institution", "medium;maximum", counts)
    assert math.isclose(required, 116 / 23)  # 1:23, the lower of 1:23 and 1:25, for all 116 cases
    assert round(required, 3) == 5.043 and positions == 6


def test_the_lowest_ratio_comes_from_the_site_s_levels_even_when_a_level_has_no_case_today():
    # A minimum/medium site with only medium cases: usje applies 1:20 (minimum) to them.
    _, required, _ = ratio_of(USJE, "institution", "minimum;medium", {"medium": 40})
    assert required == 2.0  # 40 / 20


def test_a_ccc_with_26_residents_needs_3_positions_today_and_4_under_usje():
    _, required, positions = ratio_of(CSC, "ccc", "", {"B": 20, "intensive": 6})
    assert (math.isclose(required, 2.6), positions) == (True, 3)  # 26 / 10
    _, required, positions = ratio_of(USJE, "ccc", "", {"B": 20, "intensive": 6})
    assert (required, positions) == (3.25, 4)  # 26 / 8


def test_a_parole_office_has_no_ratio_and_says_why():
    result, required, positions = ratio_of(CSC, "parole_office", "", {"A": 30}, officers=[1.0])
    assert not result.applies[0] and math.isnan(required) and positions == 0
    assert result.reasons[0] == NO_PAROLE_OFFICE_RATIO == "no caseload ratio for parole offices: CPORF uses time standards"


def test_gap_and_caseload_per_fte_use_the_parole_officers_fte():
    inputs = inputs_from_tables(
        {
            "sites": [{"code": "S", "region": "ONT", "kind": "institution", "security_levels": "minimum"}],
            "officers": [
                {"code": "A", "site": "S", "role": "po", "fte": "1"},
                {"code": "B", "site": "S", "role": "po", "fte": "0.5"},
                {"code": "M", "site": "S", "role": "mai", "fte": "1"},  # a manager carries no caseload
            ],
            "cases": [{"ref": str(i), "site": "S", "security_level": "minimum", "opened": "2025-01-01"} for i in range(60)],
        }
    )
    result = ratio_staffing(inputs, CSC)
    assert result.actual_fte[0] == 1.5
    assert result.required_fte[0] == 2.4  # 60 / 25
    assert math.isclose(result.gap_fte[0], 0.9)
    assert result.caseload_per_fte[0] == 40.0  # 60 / 1.5


def test_positions_ignore_float_noise_but_not_real_fractions():
    assert 0.1 * 3 / 0.1 > 3  # 3.0000000000000004: float noise
    assert positions_for(np.array([0.1 * 3 / 0.1, 3.01, 0.0, 2.999999])).tolist() == [3, 4, 0, 3]


def test_the_single_site_helper_agrees_with_the_array_method():
    assert required_fte_for_counts(USJE, kind="institution", security_levels=["medium", "maximum"],
                                   counts={"medium": 56, "maximum": 60}) == pytest.approx(116 / 23)  # fmt: skip
    assert required_fte_for_counts(CSC, kind="ccc", security_levels=[], counts={"B": 26}) == 2.6
    assert required_fte_for_counts(CSC, kind="parole_office", security_levels=[], counts={"A": 3}) is None


# --- properties -------------------------------------------------------------------------------

site_strategy = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["institution", "ccc"]),
        "levels": st.lists(st.sampled_from(["minimum", "medium", "maximum"]), min_size=1, max_size=3, unique=True),
        "counts": st.lists(st.integers(0, 400), min_size=3, max_size=3),
    }
)


def array_inputs(sites):
    """One site per entry; institution cases spread over the site's levels, CCC cases at level B."""
    case_site, case_level = [], []
    for i, s in enumerate(sites):
        levels = [level_code(lv) for lv in s["levels"]] if s["kind"] == "institution" else [level_code("B")]
        for j, n in enumerate(s["counts"]):
            case_site += [i] * n
            case_level += [levels[j % len(levels)]] * n
    return inputs_from_arrays(
        site_codes=[f"S{i}" for i in range(len(sites))],
        site_regions=["ONT"] * len(sites),
        site_kinds=[s["kind"] for s in sites],
        site_security_levels=np.array(
            [security_mask(s["levels"]) if s["kind"] == "institution" else 0 for s in sites], dtype=np.uint8
        ),
        officer_site=np.zeros(0, np.int32),
        officer_fte=np.zeros(0),
        case_site=np.array(case_site, dtype=np.int32),
        case_level=np.array(case_level, dtype=np.int8),
    )


@settings(max_examples=200, deadline=None)
@given(site=site_strategy, which=st.integers(0, 2), policy=st.sampled_from([CSC, USJE]))
def test_more_cases_never_need_fewer_officers(site, which, policy):
    more = {**site, "counts": [c + (1 if k == which else 0) for k, c in enumerate(site["counts"])]}
    before, after = ratio_staffing(array_inputs([site, more]), policy).required_fte
    assert after >= before
    positions = ratio_staffing(array_inputs([site, more]), policy).positions
    assert positions[1] >= positions[0]


def with_ratio(policy_name: str, key: str, value: float):
    data = tomllib.loads((SHIPPED_DIR / f"{policy_name}.toml").read_text(encoding="utf-8"))
    *path, last = key.split(".")
    node = data
    for part in path:
        node = node[part]
    node[last] = {**node[last], "value": value}
    return parse_policy(data, name=policy_name)


@settings(max_examples=150, deadline=None)
@given(
    site=site_strategy,
    policy_name=st.sampled_from(["csc-current", "usje-2021"]),
    key=st.sampled_from(["ratios.institution.minimum", "ratios.institution.medium", "ratios.institution.maximum", "ratios.ccc"]),
    cut=st.floats(0.05, 0.95),
)
def test_a_lower_ratio_never_needs_fewer_officers(site, policy_name, key, cut):
    base = load_policy(policy_name)
    lower = with_ratio(policy_name, key, base.number(key).value * (1 - cut))
    inputs = array_inputs([site])
    assert ratio_staffing(inputs, lower).required_fte[0] >= ratio_staffing(inputs, base).required_fte[0]
    assert ratio_staffing(inputs, lower).positions[0] >= ratio_staffing(inputs, base).positions[0]


@settings(max_examples=100, deadline=None)
@given(site=site_strategy)
def test_the_lowest_ratio_rule_never_needs_fewer_officers_than_each_level_s_own(site):
    own_level = with_ratio("usje-2021", "ratios.hybrid", "own_level")
    inputs = array_inputs([site])
    assert ratio_staffing(inputs, USJE).required_fte[0] >= ratio_staffing(inputs, own_level).required_fte[0] - 1e-12
