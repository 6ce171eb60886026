"""The staffing report: the JSON shape, null where a method does not apply, totals that add up."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseweight.engine.inputs import inputs_from_arrays, inputs_from_tables
from caseweight.engine.policy import load_policy
from caseweight.engine.report import staffing_report

CSC = load_policy("csc-current")
USJE = load_policy("usje-2021")


def organisation():
    cases = [{"ref": f"k{i}", "site": "KIN", "security_level": "medium"} for i in range(56)]
    cases += [{"ref": f"x{i}", "site": "KIN", "security_level": "maximum"} for i in range(60)]
    cases += [{"ref": f"w{i}", "site": "WAR", "security_level": "minimum"} for i in range(100)]
    cases += [{"ref": f"o{i}", "site": "OTT", "supervision_level": "B"} for i in range(30)]
    cases += [{"ref": f"c{i}", "site": "CCC", "supervision_level": "A"} for i in range(26)]
    return inputs_from_tables(
        {
            "regions": [{"code": "ONT"}, {"code": "PAC"}, {"code": "QUE"}],
            "sites": [
                {"code": "KIN", "region": "ONT", "kind": "institution", "security_levels": "medium;maximum"},
                {"code": "WAR", "region": "ONT", "kind": "institution", "security_levels": "minimum"},
                {"code": "OTT", "region": "ONT", "kind": "parole_office"},
                {"code": "CCC", "region": "QUE", "kind": "ccc"},
            ],
            "officers": [
                {"code": "P1", "site": "KIN", "role": "po", "fte": "1"},
                {"code": "P2", "site": "KIN", "role": "po", "fte": "1"},
                {"code": "P3", "site": "WAR", "role": "po", "fte": "1"},
                {"code": "P4", "site": "OTT", "role": "po", "fte": "0.5"},
                {"code": "P5", "site": "CCC", "role": "po", "fte": "1"},
                {"code": "M1", "site": "CCC", "role": "ccc_manager", "fte": "1"},
            ],
            "cases": cases,
        }
    )


def test_the_report_has_the_policy_the_sites_the_regions_and_the_nation():
    data = json.loads(staffing_report(organisation(), CSC).to_json())
    assert list(data) == ["policy", "methods", "sites", "regions", "national"]
    assert data["policy"]["name"] == "csc-current" and data["policy"]["version"] == "2025.1"
    assert data["methods"] == ["ratio", "time"]
    kin = data["sites"][0]
    assert {k: kin[k] for k in ("site", "region", "kind", "security_levels", "cases", "actual_fte")} == {
        "site": "KIN", "region": "ONT", "kind": "institution", "security_levels": ["medium", "maximum"],
        "cases": 116, "actual_fte": 2.0,
    }  # fmt: skip
    assert kin["cases_by_level"] == {"medium": 56, "maximum": 60}
    assert kin["ratio"] == {"required_fte": 4.0, "positions": 4, "gap_fte": 2.0, "caseload_per_fte": 58.0}
    assert set(kin["time"]) >= {"required_fte", "positions", "gap_fte", "wisn_ratio"}


def test_a_parole_office_has_no_ratio_object_and_gives_the_reason():
    data = staffing_report(organisation(), CSC).to_dict()
    ott = data["sites"][2]
    assert ott["ratio"] is None
    assert ott["ratio_reason"] == "no caseload ratio for parole offices: CPORF uses time standards"
    assert ott["time"]["required_fte"] > 0 and ott["time_reason"] is None


def test_region_and_national_totals_by_ratio_under_usje():
    data = staffing_report(organisation(), USJE).to_dict()
    ont, pac, que = data["regions"]
    # KIN 116 / 23 = 5.043 (6 positions); WAR 100 / 20 = 5 (5); OTT: no ratio. CCC 26 / 8 = 3.25 (4).
    assert ont["region"] == "ONT" and ont["ratio"]["sites"] == 2 and ont["ratio"]["sites_not_applicable"] == 1
    assert math.isclose(ont["ratio"]["required_fte"], 116 / 23 + 5)
    assert ont["ratio"]["positions"] == 11
    assert ont["ratio"]["actual_fte"] == 3.0  # OTT's officer is not counted against a ratio it has none of
    assert ont["actual_fte"] == 3.5
    assert pac == {"region": "PAC", "sites": 0, "cases": 0, "officers": 0, "actual_fte": 0.0,
                   "ratio": pac["ratio"], "time": pac["time"]}  # fmt: skip
    assert que["ratio"]["required_fte"] == 3.25 and que["ratio"]["positions"] == 4
    national = data["national"]
    assert math.isclose(national["ratio"]["required_fte"], 116 / 23 + 5 + 3.25)
    assert national["ratio"]["positions"] == 15
    assert national["ratio"]["gap_fte"] == pytest.approx(116 / 23 + 5 + 3.25 - 4)
    assert national["officers"] == 5  # parole officers only


def test_only_the_methods_run_appear():
    data = staffing_report(organisation(), CSC, methods=("time",)).to_dict()
    assert data["methods"] == ["time"]
    assert "ratio" not in data["sites"][0] and "ratio" not in data["national"]
    with pytest.raises(ValueError, match="unknown method 'sideways'"):
        staffing_report(organisation(), CSC, methods=("sideways",))


def test_one_site_can_be_read_from_the_report():
    report = staffing_report(organisation(), CSC)
    assert report.site("CCC")["ratio"]["required_fte"] == 2.6


@settings(max_examples=60, deadline=None)
@given(
    n_sites=st.integers(1, 30),
    n_cases=st.integers(0, 2000),
    seed=st.integers(0, 2**32 - 1),
    policy=st.sampled_from([CSC, USJE]),
)
def test_totals_are_the_sums_of_the_sites(n_sites, n_cases, seed, policy):
    rng = np.random.default_rng(seed)
    kinds = rng.integers(0, 3, n_sites)
    masks = np.where(kinds == 0, rng.integers(1, 8, n_sites), 0).astype(np.uint8)
    case_site = rng.integers(0, n_sites, n_cases).astype(np.int32)
    # A level each case's site can hold: the lowest security level of an institution, else a supervision level.
    lowest = np.array([int(m & -m).bit_length() - 1 if m else 0 for m in masks.tolist()])
    level = np.where(kinds[case_site] == 0, lowest[case_site], rng.integers(3, 8, n_cases)).astype(np.int8)
    inputs = inputs_from_arrays(
        site_codes=[f"S{i}" for i in range(n_sites)],
        site_regions=[["ATL", "ONT", "PAC"][i % 3] for i in range(n_sites)],
        site_kinds=kinds,
        site_security_levels=masks,
        officer_site=rng.integers(0, n_sites, n_sites * 2).astype(np.int32),
        officer_fte=rng.choice([0.5, 1.0], n_sites * 2),
        case_site=case_site,
        case_level=level,
        case_factors=rng.integers(0, 2048, n_cases).astype(np.uint16),
    )
    data = json.loads(staffing_report(inputs, policy).to_json())
    for method in ("ratio", "time"):
        applying = [s[method] for s in data["sites"] if s[method] is not None]
        national = data["national"][method]
        assert math.isclose(national["required_fte"], math.fsum(s["required_fte"] for s in applying), abs_tol=1e-9)
        assert national["positions"] == sum(s["positions"] for s in applying)
        assert math.isclose(sum(r[method]["required_fte"] for r in data["regions"]), national["required_fte"], abs_tol=1e-9)
    assert data["national"]["cases"] == n_cases == sum(s["cases"] for s in data["sites"])
