"""Policies: the shipped files, loading by name or path, user folders, and refusals naming the key."""

from __future__ import annotations

import copy
import math
import tomllib

import pytest

from caseweight import codes
from caseweight.engine.policy import SHIPPED_DIR, STATUSES, PolicyError, list_policies, load_policy, parse_policy


def shipped_data(name: str) -> dict:
    return tomllib.loads((SHIPPED_DIR / f"{name}.toml").read_text(encoding="utf-8"))


def refusal(data: dict) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, name=data.get("name"))
    return str(caught.value)


# --- the shipped policies -------------------------------------------------------------------


def test_csc_current_has_the_ratios_in_force_and_counts_each_case_at_its_own_level():
    policy = load_policy("csc-current")
    assert {level: r.value for level, r in policy.institution_ratios.items()} == {
        "minimum": 25,
        "medium": 28,
        "maximum": 30,
    }
    assert policy.ccc_ratio.value == 10
    assert policy.parole_office_ratio is None
    assert policy.hybrid.value == "own_level"
    assert policy.hybrid.status == "assumption"  # CSC's rule for hybrids is not public: the file says so


def test_usje_2021_has_the_proposed_ratios_and_the_lowest_ratio_for_hybrids():
    policy = load_policy("usje-2021")
    assert {level: r.value for level, r in policy.institution_ratios.items()} == {
        "minimum": 20,
        "medium": 23,
        "maximum": 25,
    }
    assert policy.ccc_ratio.value == 8
    assert policy.hybrid.value == "lowest_ratio"
    assert "the lower ratio would prevail" in policy.hybrid.source


@pytest.mark.parametrize("name", ["csc-current", "usje-2021"])
def test_every_number_in_a_shipped_policy_has_a_source_and_a_status(name):
    policy = load_policy(name)
    assert policy.cited, "no cited numbers read"
    for key, cited in policy.cited.items():
        assert cited.source.strip(), f"{key} has no source"
        assert cited.status in STATUSES and cited.status != "unsourced", f"{key}: status {cited.status}"


@pytest.mark.parametrize("name", ["csc-current", "usje-2021"])
def test_shipped_policies_hold_the_public_facts(name):
    policy = load_policy(name)
    assert policy.week_hours.value == 37.5 and policy.day_hours.value == 7.5
    assert policy.allowances["holidays"].value == 11 * 7.5
    # Annual leave: midpoint of 9.375 to 18.75 h a month, for 12 months.
    assert policy.allowances["annual_leave"].value == (9.375 + 18.75) / 2 * 12
    assert policy.allowances["sick_leave"].value == 9.375 * 12
    contact = next(a for a in policy.activities if a.code == "community_contact")
    assert contact.frequency["intensive"].value == 8 and contact.frequency["intensive"].status == "cited"
    assert [contact.frequency[level].value for level in ("A", "B", "C")] == [4, 2, 1]
    assert all(contact.frequency[level].status == "assumption" for level in ("A", "B", "C"))  # letter mapping
    assert contact.frequency["D"].value < 1  # less than monthly
    plan = next(a for a in policy.activities if a.code == "correctional_plan_update")
    assert plan.frequency["A"].value == 1 / 6 and "Policy Bulletin 364" in plan.frequency["A"].source
    assert policy.alpha.value == 0.05
    assert {k: c.status for k, c in policy.overtime.items()} == dict.fromkeys(
        ("rate", "double_rate", "double_after_hours"), "verify"
    )
    assert [policy.overtime["rate"].value, policy.overtime["double_rate"].value] == [1.5, 2.0]
    assert set(policy.absence_rates) == set(codes.ABSENCE_KINDS)
    assert set(policy.complexity_factors) == set(codes.COMPLEXITY_FACTORS)
    assert policy.complexity_factors["indigenous_planning"].specialisation == "indigenous"


def test_available_working_time_is_weeks_times_hours_less_the_allowances():
    policy = load_policy("csc-current")
    # 52 × 37.5 = 1950 h; allowances 82.5 + 168.75 + 112.5 + 37.5 + 22.5 = 423.75 h.
    assert policy.awt_hours_per_year == 1950 - 423.75 == 1526.25
    assert policy.awt_hours_per_month == 1526.25 / 12


def test_absence_rates_follow_the_allowances_they_are_derived_from():
    policy = load_policy("csc-current")
    # 168.75 h of annual leave = 22.5 days = 4.5 weeks of 52.
    assert math.isclose(policy.absence_rates["annual"].value, 4.5 / 52, abs_tol=5e-5)
    assert math.isclose(policy.absence_rates["sick"].value, 3 / 52, abs_tol=5e-5)


def test_a_cited_number_can_be_looked_up_by_its_key_for_the_ui():
    policy = load_policy("csc-current")
    cited = policy.number("activities.community_contact.frequency.intensive")
    assert cited.value == 8 and "715-1" in cited.source


def test_the_policies_differ_where_the_seed_says_so_and_nowhere_else():
    csc, usje = shipped_data("csc-current"), shipped_data("usje-2021")
    differ = {key for key in csc if csc[key] != usje[key]}
    assert differ == {"name", "title_en", "title_fr", "description_en", "description_fr", "ratios", "other_duties"}


# --- finding and loading --------------------------------------------------------------------


def test_list_policies_gives_shipped_ones_first_then_each_user_folder(tmp_path):
    user = tmp_path / "policies"
    user.mkdir()
    (user / "draor-pilot.toml").write_text('extends = "csc-current"\nversion = "1"\n', encoding="utf-8")
    entries = list_policies([user])
    assert [(e.name, e.shipped) for e in entries] == [
        ("csc-current", True),
        ("usje-2021", True),
        ("draor-pilot", False),
    ]
    assert all(e.error is None for e in entries)


def test_an_invalid_user_file_is_listed_with_its_error_not_hidden(tmp_path):
    (tmp_path / "broken.toml").write_text('extends = "csc-current"\nversion = "1"\n[ratios.institution]\nminimum = -3\n')
    (entry,) = [e for e in list_policies([tmp_path]) if e.name == "broken"]
    assert entry.error.startswith("ratios.institution.minimum: must be a positive number, got -3")


def test_a_user_file_cannot_take_a_shipped_name(tmp_path):
    (tmp_path / "csc-current.toml").write_text('extends = "usje-2021"\nversion = "x"\n')
    assert load_policy("csc-current", search_dirs=[tmp_path]).institution_ratios["minimum"].value == 25
    shadowed = [e for e in list_policies([tmp_path]) if not e.shipped]
    assert shadowed[0].error.startswith("name 'csc-current' is already used by")


def test_a_policy_loads_by_path(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text((SHIPPED_DIR / "usje-2021.toml").read_text().replace('name = "usje-2021"', 'name = "mine"'))
    policy = load_policy(path)
    assert policy.name == "mine" and policy.path == path


def test_extends_overrides_only_the_keys_given(tmp_path):
    (tmp_path / "draor.toml").write_text(
        'extends = "csc-current"\nversion = "2025.2"\ntitle_en = "DRAOR pilot"\n'
        "[activities.draor]\n"
        'minutes = { value = 30, status = "illustrative", source = "pilot estimate" }\n'
        'frequency = { A = 1, B = { every_months = 3, source = "pilot estimate", status = "illustrative" } }\n'
        "[ratios.institution]\nminimum = 24\n"
    )
    policy = load_policy("draor", search_dirs=[tmp_path])
    base = load_policy("csc-current")
    assert policy.name == "draor" and policy.title_en == "DRAOR pilot" and policy.version == "2025.2"
    assert policy.institution_ratios["minimum"].value == 24 and policy.institution_ratios["minimum"].status == "unsourced"
    assert policy.institution_ratios["medium"] == base.institution_ratios["medium"]
    draor = next(a for a in policy.activities if a.code == "draor")
    assert draor.frequency["A"].value == 1 and draor.frequency["B"].value == 1 / 3
    assert len(policy.activities) == len(base.activities) + 1
    assert policy.digest != base.digest


def test_extends_in_a_circle_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b"\nversion = "1"\n')
    (tmp_path / "b.toml").write_text('extends = "a"\nversion = "1"\n')
    with pytest.raises(PolicyError, match="extends: circular"):
        load_policy("a", search_dirs=[tmp_path])


def test_an_unknown_policy_name_is_refused():
    with pytest.raises(PolicyError, match="no policy named 'nope'"):
        load_policy("nope")


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    (tmp_path / "bad.toml").write_text("ratios = [")
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(tmp_path / "bad.toml")


# --- refusals name the key --------------------------------------------------------------------


def test_a_negative_ratio_is_refused_with_the_key_and_the_value():
    data = shipped_data("csc-current")
    data["ratios"]["institution"]["minimum"] = -3
    assert refusal(data) == "ratios.institution.minimum: must be a positive number, got -3"


def test_a_negative_cited_value_is_refused_with_the_key():
    data = shipped_data("csc-current")
    data["allowances"]["training"]["value"] = -1.5
    assert refusal(data) == "allowances.training: must be a number of at least 0, got -1.5"


def test_a_missing_key_is_named():
    data = shipped_data("csc-current")
    del data["ratios"]["institution"]["medium"]
    del data["time"]["week_hours"]
    assert refusal(data) == "ratios.institution.medium: missing; time.week_hours: missing"


def test_a_missing_section_is_named():
    data = shipped_data("usje-2021")
    del data["other_duties"]
    assert refusal(data) == "other_duties: missing"


@pytest.mark.parametrize("share", [1, 1.2, -0.1])
def test_an_other_duties_share_outside_0_to_1_is_refused(share):
    data = shipped_data("csc-current")
    data["other_duties"]["share"]["value"] = share
    assert refusal(data).startswith("other_duties.share: must be a share of at least 0 and less than 1, got")


def test_an_unknown_level_is_refused():
    data = shipped_data("csc-current")
    data["activities"]["community_contact"]["frequency"]["E"] = 0.25
    assert refusal(data) == (
        "activities.community_contact.frequency.E: unknown level 'E'; "
        "expected one of: minimum, medium, maximum, intensive, A, B, C, D"
    )


def test_an_unknown_security_level_in_the_ratios_is_refused():
    data = shipped_data("csc-current")
    data["ratios"]["institution"]["supermax"] = 12
    assert refusal(data).startswith("ratios.institution.supermax: unknown security level 'supermax'")


def test_an_unknown_factor_code_is_refused():
    data = shipped_data("csc-current")
    data["complexity_factors"]["gang_affiliation"] = {"minutes": 30}
    assert refusal(data).startswith("complexity_factors.gang_affiliation: unknown factor code 'gang_affiliation'")


def test_a_factor_the_policy_leaves_out_is_refused_so_a_flag_never_counts_for_nothing():
    data = shipped_data("csc-current")
    del data["complexity_factors"]["interpreter"]
    assert refusal(data) == "complexity_factors.interpreter: missing"


def test_an_unknown_specialisation_is_refused():
    data = shipped_data("csc-current")
    data["complexity_factors"]["siu"]["specialisation"] = "segregation"
    assert refusal(data).startswith("complexity_factors.siu.specialisation: unknown specialisation 'segregation'")


def test_an_unknown_hybrid_rule_is_refused():
    data = shipped_data("csc-current")
    data["ratios"]["hybrid"]["value"] = "average"
    assert refusal(data) == "ratios.hybrid: must be one of own_level, lowest_ratio, got 'average'"


def test_an_unknown_top_level_key_is_refused_to_catch_typos():
    data = shipped_data("csc-current")
    data["allowance"] = {}
    assert refusal(data).startswith("allowance: unknown key 'allowance'")


def test_a_boolean_is_not_a_number():
    data = shipped_data("csc-current")
    data["ratios"]["ccc"] = True
    assert refusal(data) == "ratios.ccc: must be a number, got true"


def test_an_unknown_status_is_refused():
    data = shipped_data("csc-current")
    data["time"]["week_hours"]["status"] = "guess"
    assert refusal(data).startswith("time.week_hours.status: unknown status 'guess'")


def test_allowances_that_leave_no_working_time_are_refused():
    data = shipped_data("csc-current")
    data["allowances"]["other_absence"]["value"] = 2000
    assert refusal(data).startswith("allowances: add up to")


def test_an_unknown_site_kind_for_an_activity_is_refused():
    data = shipped_data("csc-current")
    data["activities"]["community_contact"]["site_kinds"] = ["halfway_house"]
    assert refusal(data).startswith("activities.community_contact.site_kinds: must be a list of site kinds")


def test_every_problem_is_reported_at_once():
    data = shipped_data("csc-current")
    data["ratios"]["institution"]["minimum"] = -3
    data["other_duties"]["share"] = 1
    data["resilience"]["alpha"] = 0
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, name="csc-current")
    assert [key for key, _ in caught.value.problems] == [
        "ratios.institution.minimum",
        "other_duties.share",
        "resilience.alpha",
    ]


def test_the_name_inside_must_match_the_file_name(tmp_path):
    data = shipped_data("csc-current")
    with pytest.raises(PolicyError, match="name: must match the file name 'other', got 'csc-current'"):
        parse_policy(copy.deepcopy(data), name="other")


def test_the_sources_list_gives_every_cited_number_for_a_sources_page():
    sources = load_policy("usje-2021").sources()
    by_key = {s["key"]: s for s in sources}
    assert by_key["ratios.institution.minimum"]["value"] == 20
    assert by_key["other_duties.share"]["status"] == "illustrative"
    assert by_key["overtime.rate"]["status"] == "verify"
