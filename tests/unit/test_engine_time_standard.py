"""The time-standard (WISN) method, with examples worked by hand from the policies' numbers."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from caseweight import codes
from caseweight.engine.inputs import LEVELS, factor_mask, inputs_from_arrays, inputs_from_tables, security_mask
from caseweight.engine.policy import load_policy
from caseweight.engine.time_standard import case_hours_table, factor_hours_table, time_standard_staffing

CSC = load_policy("csc-current")
USJE = load_policy("usje-2021")

# Available working time, both policies (the same allowances):
#   52 weeks × 37.5 h = 1950 h a year
#   − holidays 82.5 (11 × 7.5) − annual 168.75 − sick 112.5 − training 37.5 − other 22.5 = 423.75 h
#   AWT = 1526.25 h a year = 127.1875 h a month.
AWT_MONTH = 1526.25 / 12


def office_inputs(*, addon_hours: float = 0.0, extra: dict[str, float] | None = None, officers=(1.0, 0.6)):
    """Ottawa parole office: 10 A cases, 2 intensive cases with mental health, 1 B case with
    trauma and an interpreter."""
    cases = [{"ref": f"A{i}", "site": "OTT", "supervision_level": "A"} for i in range(10)]
    cases += [{"ref": f"I{i}", "site": "OTT", "supervision_level": "intensive", "factors": "mental_health"} for i in range(2)]
    cases += [{"ref": "B0", "site": "OTT", "supervision_level": "B", "factors": "trauma;interpreter"}]
    return inputs_from_tables(
        {
            "sites": [{"code": "OTT", "region": "ONT", "kind": "parole_office"}],
            "officers": [{"code": f"P{i}", "site": "OTT", "role": "po", "fte": str(f)} for i, f in enumerate(officers)],
            "cases": cases,
        },
        site_addon_hours={"OTT": addon_hours},
        case_extra_hours=extra,
    )


def test_awt_matches_the_hand_arithmetic():
    assert CSC.awt_hours_per_month == USJE.awt_hours_per_month == AWT_MONTH == 127.1875


def test_a_parole_office_worked_by_hand_under_csc_current():
    # Hours a month per case at a parole office (csc-current):
    #   A:         contact 4 × 45 min = 3 h; collateral 2 × 20 min = 0.6667 h; plan update 180 min / 6 = 0.5 h
    #              = 4.1667 h; 10 cases = 41.6667 h
    #   intensive: contact 8 × 45 min = 6 h; collateral 4 × 20 min = 1.3333 h; plan 0.5 h = 7.8333 h; 2 cases = 15.6667 h
    #   B:         contact 2 × 45 min = 1.5 h; collateral 1 × 20 min = 0.3333 h; plan 0.5 h = 2.3333 h
    #   activities: 125/3 + 47/3 + 7/3 = 179/3 = 59.6667 h
    #   factors:   mental health 2 × 45 min = 1.5 h; trauma 30 min + interpreter 30 min = 1 h; = 2.5 h
    #   approved intensive-supervision hours for I0: 2 h
    #   case hours = 59.6667 + 2.5 + 2 = 64.1667 h;   add-on tasks 6 h a month
    # Required = 64.1667 / (127.1875 × (1 − 0.10)) + 6 / 127.1875
    #          = 64.1667 / 114.46875 + 6 / 127.1875 = 0.560561 + 0.047174 = 0.607735 FTE → 1 position
    result = time_standard_staffing(office_inputs(addon_hours=6, extra={"I0": 2}), CSC)
    assert math.isclose(result.activity_hours[0], 179 / 3)
    assert math.isclose(result.factor_hours[0], 2.5)
    assert result.extra_hours[0] == 2
    assert math.isclose(result.case_hours[0], 179 / 3 + 4.5)
    expected = (179 / 3 + 4.5) / (127.1875 * 0.9) + 6 / 127.1875
    assert math.isclose(result.required_fte[0], expected)
    assert round(float(result.required_fte[0]), 6) == 0.607735
    assert result.positions[0] == 1
    # Actual 1.6 FTE: gap = 0.607735 − 1.6 = −0.992; WISN ratio = 1.6 / 0.607735 = 2.63 (over-staffed by this standard).
    assert math.isclose(result.gap_fte[0], expected - 1.6)
    assert math.isclose(result.wisn_ratio[0], 1.6 / expected)


def test_the_usje_policy_s_larger_other_duties_share_raises_the_requirement():
    # Same workload, other-duties share 15%: 64.1667 / (127.1875 × 0.85) + 6 / 127.1875
    #   = 64.1667 / 108.109375 + 6 / 127.1875 = 0.593535 + 0.047174 = 0.640709 FTE
    result = time_standard_staffing(office_inputs(addon_hours=6, extra={"I0": 2}), USJE)
    assert round(float(result.required_fte[0]), 6) == 0.640709


def test_a_hybrid_institution_worked_by_hand():
    # Kingston: 56 medium cases, 60 maximum cases with mental health and trauma.
    #   medium:  interview 1.5 × 60 min = 1.5 h; PBC report 240 min / 6 = 0.6667 h; casework 2 × 30 min = 1 h;
    #            plan 0.5 h = 3.6667 h × 56 = 205.3333 h
    #   maximum: interview 1 h; PBC report 240 / 12 = 0.3333 h; casework 1 h; plan 0.5 h = 2.8333 h × 60 = 170 h
    #   factors: 60 × (45 + 30) min = 75 h
    #   case hours = 450.3333 h; required = 450.3333 / 114.46875 = 3.93412 FTE → 4 positions
    inputs = inputs_from_tables(
        {
            "sites": [{"code": "KIN", "region": "ONT", "kind": "institution", "security_levels": "medium;maximum"}],
            "cases": [{"ref": f"m{i}", "site": "KIN", "security_level": "medium"} for i in range(56)]
            + [{"ref": f"x{i}", "site": "KIN", "security_level": "maximum", "factors": "trauma;mental_health"} for i in range(60)],
        }
    )
    result = time_standard_staffing(inputs, CSC)
    assert math.isclose(result.case_hours[0], 56 * 11 / 3 + 60 * 17 / 6 + 75)
    assert round(float(result.required_fte[0]), 5) == 3.93412
    assert result.positions[0] == 4
    assert result.wisn_ratio[0] == 0.0  # no parole officer at all: actual / required = 0


def test_the_wisn_ratio_is_zero_without_officers_and_undefined_without_work():
    inputs = inputs_from_tables(
        {
            "sites": [
                {"code": "A", "region": "ONT", "kind": "parole_office"},
                {"code": "B", "region": "ONT", "kind": "parole_office"},
            ],
            "officers": [{"code": "P", "site": "B", "role": "po", "fte": "1"}],
            "cases": [{"ref": "c", "site": "A", "supervision_level": "C"}],
        }
    )
    result = time_standard_staffing(inputs, CSC)
    assert result.wisn_ratio[0] == 0.0
    assert math.isnan(result.wisn_ratio[1]) and result.required_fte[1] == 0 and result.positions[1] == 0


def test_ccc_cases_add_the_ccc_only_activities():
    table = case_hours_table(CSC)
    office, ccc = codes.SITE_KINDS.index("parole_office"), codes.SITE_KINDS.index("ccc")
    # CCC case conference: 2 × 30 min = 1 h more for every supervision level.
    assert np.allclose(table[ccc, 3:] - table[office, 3:], 1.0)
    # Institution-only activities never reach a community case.
    institution = codes.SITE_KINDS.index("institution")
    assert table[institution, LEVELS.index("minimum")] == 4.5  # 2 + 1 + 1 + 0.5, see the policy's comment
    assert table[office, LEVELS.index("minimum")] == 0.5  # only the plan update, which has no site_kinds


def test_the_factor_lookup_adds_each_factor_s_minutes():
    table = factor_hours_table(CSC)
    assert table[0] == 0
    assert math.isclose(table[factor_mask(["mental_health", "trauma"])], (45 + 30) / 60)
    every = sum(CSC.complexity_factors[f].minutes.value for f in codes.COMPLEXITY_FACTORS) / 60
    assert math.isclose(table[(1 << len(codes.COMPLEXITY_FACTORS)) - 1], every)


# --- properties -------------------------------------------------------------------------------


@st.composite
def site_cases(draw):
    kind = draw(st.sampled_from(codes.SITE_KINDS))
    levels = draw(st.lists(st.sampled_from(codes.SECURITY_LEVELS), min_size=1, max_size=3, unique=True))
    allowed = [LEVELS.index(lv) for lv in levels] if kind == "institution" else list(range(3, 8))
    n = draw(st.integers(0, 60))
    level = draw(st.lists(st.sampled_from(allowed), min_size=n, max_size=n))
    factors = draw(st.lists(st.integers(0, (1 << 11) - 1), min_size=n, max_size=n))
    extra = draw(st.lists(st.sampled_from([0.0, 0.0, 1.5, 4.0]), min_size=n, max_size=n))
    addon = draw(st.sampled_from([0.0, 3.0, 12.5]))
    return kind, levels, level, factors, extra, addon


def build(kind, levels, level, factors, extra, addon):
    return inputs_from_arrays(
        site_codes=["S"],
        site_regions=["ONT"],
        site_kinds=[kind],
        site_security_levels=np.array([security_mask(levels) if kind == "institution" else 0], dtype=np.uint8),
        site_addon_hours=[addon],
        officer_site=np.zeros(1, np.int32),
        officer_fte=np.ones(1),
        case_site=np.zeros(len(level), np.int32),
        case_level=np.array(level, dtype=np.int8),
        case_factors=np.array(factors, dtype=np.uint16),
        case_extra_hours=np.array(extra, dtype=np.float64),
    )


@settings(max_examples=200, deadline=None)
@given(site=site_cases(), new_level=st.integers(0, 7), new_factors=st.integers(0, (1 << 11) - 1), policy=st.sampled_from([CSC, USJE]))
def test_more_cases_never_need_fewer_officers(site, new_level, new_factors, policy):
    kind, levels, level, factors, extra, addon = site
    if kind == "institution":
        new_level = LEVELS.index(levels[new_level % len(levels)])
    else:
        new_level = 3 + new_level % 5
    before = time_standard_staffing(build(*site), policy)
    after = time_standard_staffing(build(kind, levels, [*level, new_level], [*factors, new_factors], [*extra, 0.0], addon), policy)
    assert after.required_fte[0] >= before.required_fte[0]
    assert after.positions[0] >= before.positions[0]


@settings(max_examples=100, deadline=None)
@given(site=site_cases())
def test_the_required_fte_is_the_wisn_formula(site):
    inputs = build(*site)
    result = time_standard_staffing(inputs, CSC)
    caf = 1 / (1 - CSC.other_duties_share.value)
    iaf = site[5] / CSC.awt_hours_per_month
    assert math.isclose(result.required_fte[0], result.case_hours[0] / CSC.awt_hours_per_month * caf + iaf, abs_tol=1e-12)
