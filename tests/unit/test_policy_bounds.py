"""Policies hold sane numbers, `extends` names a policy, and no refusal shows a server path or a
file the user did not give (issue 9, items 5 and 9)."""

from __future__ import annotations

import copy
import math
import tomllib

import pytest

from caseweight.engine import inputs_from_tables, staffing_report
from caseweight.engine.policy import SHIPPED_DIR, PolicyError, list_policies, load_policy, parse_policy


def csc_data() -> dict:
    return tomllib.loads((SHIPPED_DIR / "csc-current.toml").read_text(encoding="utf-8"))


def refusal(data: dict) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, name="csc-current")
    return str(caught.value)


def set_number(data: dict, dotted: str, value) -> dict:
    """`data` with the number at `dotted` set to `value` (a cited table keeps its source)."""
    *path, last = dotted.split(".")
    node = data
    for part in path:
        node = node.setdefault(part, {})
    if isinstance(node.get(last), dict):
        node[last] = {**node[last], "value": value}
    else:
        node[last] = value
    return data


# --- bounds: one kind of number, one range ------------------------------------------------------

# (key, the largest value allowed, what the refusal of the next one up says). Worked by hand from
# the ranges decided in engine.policy.BOUNDS, not read from them.
UPPER_BOUNDS = [
    ("ratios.institution.minimum", 1000, "too large: at most 1,000 cases per officer"),
    ("ratios.ccc", 1000, "too large: at most 1,000 cases per officer"),
    ("time.week_hours", 168, "too large: at most 168 hours (a whole week)"),
    ("time.day_hours", 24, "too large: at most 24 hours (a whole day)"),
    ("time.weeks_per_year", 53, "too large: at most 53 weeks"),
    ("activities.community_contact.minutes", 2400, "too large: at most 2,400 minutes (a 40-hour week) each time"),
    ("activities.community_contact.frequency.A", 300, "too large: at most 300 times a month (ten a day)"),
    ("complexity_factors.trauma.minutes", 10000, "too large: at most 10,000 minutes a month (a full-time officer's month)"),
    ("resilience.min_officer_years", 1000, "too large: at most 1,000 officer-years"),
    ("resilience.long_mean_weeks", 52, "too large: at most 52 weeks"),
    ("resilience.long_min_days", 366, "too large: at most 366 days"),
    ("overtime.rate", 10, "too large: at most 10 times the hourly rate"),
    ("overtime.double_after_hours", 168, "too large: at most 168 hours (a whole week)"),
    ("pay.annual_salary", 10_000_000, "too large: at most 10,000,000 a year"),
    ("pay.hourly_rate", 10_000, "too large: at most 10,000 an hour"),
]


@pytest.mark.parametrize(("key", "highest", "message"), UPPER_BOUNDS, ids=[row[0] for row in UPPER_BOUNDS])
def test_a_number_at_its_upper_bound_is_accepted(key, highest, message):
    policy = parse_policy(set_number(csc_data(), key, highest), name="csc-current")
    assert policy.number(key).value == highest


@pytest.mark.parametrize(("key", "highest", "message"), UPPER_BOUNDS, ids=[row[0] for row in UPPER_BOUNDS])
def test_a_number_past_its_upper_bound_is_refused_naming_the_key_and_the_limit(key, highest, message):
    above = highest + 1
    assert refusal(set_number(csc_data(), key, above)) == f"{key}: {message}, got {above}"


def test_an_allowance_past_a_whole_leap_year_of_hours_is_refused():
    data = set_number(csc_data(), "allowances.training", 8785)
    assert refusal(data).startswith("allowances.training: too large: at most 8,784 hours (a whole leap year), got 8785")


def test_a_seasonal_multiplier_past_ten_is_refused():
    data = set_number(csc_data(), "resilience.season_december", 10.5)
    assert refusal(data) == "resilience.season_december: too large: at most 10 times the average week, got 10.5"


@pytest.mark.parametrize("key", ["absence_rates.sick", "other_duties.share", "resilience.correlation"])
def test_a_share_of_one_is_refused_as_not_a_share(key):
    assert refusal(set_number(csc_data(), key, 1)) == f"{key}: must be a share of at least 0 and less than 1, got 1"


def test_a_frequency_of_every_thousandth_of_a_month_is_refused_as_too_frequent():
    data = csc_data()
    data["activities"]["community_contact"]["frequency"]["A"] = {"every_months": 0.001}
    assert refusal(data) == (
        "activities.community_contact.frequency.A: too large: at most 300 times a month (ten a day), got 1000"
    )


def test_a_frequency_of_every_ten_thousand_years_is_refused():
    data = csc_data()
    data["activities"]["community_contact"]["frequency"]["A"] = {"every_months": 120_000}
    assert refusal(data) == (
        "activities.community_contact.frequency.A.every_months: too large: at most 1,200 months (a century), got 120000"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(math.inf, "inf"), (-math.inf, "-inf"), (math.nan, "nan")],
)
def test_a_number_that_is_not_finite_is_refused(value, shown):
    data = set_number(csc_data(), "time.week_hours", value)
    assert refusal(data) == f"time.week_hours: must be a finite number, got {shown}"


def test_a_huge_integer_is_refused_by_its_size_not_echoed_digit_by_digit():
    data = set_number(csc_data(), "pay.hourly_rate", 10**4000)
    assert refusal(data) == "pay.hourly_rate: too large: at most 10,000 an hour, got a number of 4001 digits"


def test_a_policy_at_its_upper_bounds_still_gives_finite_figures():
    # The worst a policy can do to the arithmetic: every activity as long and as frequent as
    # allowed, every factor at its most, the week as short as a positive number can be.
    data = csc_data()
    for activity in data["activities"].values():
        activity["minutes"] = 2400
        activity["frequency"] = dict.fromkeys(("minimum", "medium", "maximum", "intensive", "A", "B", "C", "D"), 300)
    for factor in data["complexity_factors"].values():
        factor["minutes"] = 10000
    data["time"]["week_hours"] = 1e-6
    data["allowances"] = dict.fromkeys(data["allowances"], 0)
    policy = parse_policy(data, name="csc-current")
    tables = {
        "regions": [{"code": "ONT", "name_en": "Ontario", "name_fr": "Ontario"}],
        "sites": [{"code": "OTT", "name": "Ottawa", "region": "ONT", "kind": "parole_office"}],
        "officers": [{"code": "PO-1", "name": "One", "site": "OTT", "role": "po", "fte": "1"}],
        "cases": [{"ref": "C-1", "site": "OTT", "supervision_level": "intensive", "factors": "trauma;siu"}],
    }
    report = staffing_report(inputs_from_tables(tables), policy, methods=("ratio", "time")).to_dict()
    time = report["sites"][0]["time"]
    assert all(math.isfinite(value) for value in (time["required_fte"], time["gap_fte"]))
    assert time["required_fte"] > 1e6  # the absurd week shows as an absurd figure, not as nan or inf


# --- hostile files --------------------------------------------------------------------------------


def test_a_hostile_policy_file_is_refused_with_one_clear_message(tmp_path, hostile_policy):
    content, message = hostile_policy
    path = tmp_path / "hostile.toml"
    path.write_bytes(content)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    (problem,) = caught.value.problems
    assert f"{problem[0]}: {problem[1]}".startswith(message)


# --- extends: a policy's name, never a path ---------------------------------------------------------


def write(folder, name: str, text: str):
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("parent", ["{secret}", "../outside/secret", "outside/secret.toml", "secret.toml"])
def test_extends_refuses_a_path_and_echoes_nothing_of_the_file_it_names(tmp_path, parent):
    secret = write(tmp_path / "outside", "secret", 'version = "1"\npassword = "hunter2"\n')
    users = tmp_path / "users"
    child = write(users, "child", f'extends = "{parent.format(secret=secret)}"\nversion = "1"\n')
    with pytest.raises(PolicyError) as caught:
        load_policy("child", search_dirs=[users])
    assert [key for key, _text in caught.value.problems] == ["extends"]
    assert "must be the name of a policy (letters, digits, '-' and '_' only, 64 at most)" in str(caught.value)
    assert "hunter2" not in str(caught.value) and "password" not in str(caught.value)
    assert child.exists()


def test_extends_finds_a_users_policy_by_its_name(tmp_path):
    write(tmp_path, "lower-ccc", 'extends = "usje-2021"\nversion = "1"\n[ratios]\nccc = 6\n')
    write(tmp_path, "lower-ccc-draor", 'extends = "lower-ccc"\nversion = "2"\n[ratios.institution]\nminimum = 18\n')
    policy = load_policy("lower-ccc-draor", search_dirs=[tmp_path])
    assert policy.ccc_ratio.value == 6 and policy.institution_ratios["minimum"].value == 18
    assert policy.institution_ratios["medium"].value == 23  # from usje-2021, two files up


def test_a_parent_that_does_not_validate_is_named_but_its_content_is_not_shown(tmp_path):
    write(tmp_path, "broken", 'extends = "csc-current"\nversion = "1"\n[ratios.institution]\nminimum = -31337\n')
    write(tmp_path, "child", 'extends = "broken"\nversion = "1"\n')
    with pytest.raises(PolicyError) as caught:
        load_policy("child", search_dirs=[tmp_path])
    assert str(caught.value) == "extends: the policy 'broken' does not validate: choose another or fix it first"


def test_an_unknown_parent_is_refused_by_its_name_only(tmp_path):
    write(tmp_path, "child", 'extends = "nowhere"\nversion = "1"\n')
    with pytest.raises(PolicyError) as caught:
        load_policy("child", search_dirs=[tmp_path])
    assert str(caught.value) == "extends: no policy named 'nowhere'"


def test_no_refusal_of_the_policy_folders_names_a_folder(tmp_path):
    users = tmp_path / "users"
    write(users, "csc-current", 'extends = "usje-2021"\nversion = "x"\n')  # shadowed by the shipped one
    write(users, "broken", 'extends = "csc-current"\nversion = "1"\n[ratios]\nccc = -1\n')
    write(users, "bad name", 'extends = "csc-current"\nversion = "1"\n')
    write(users, "orphan", 'extends = "nowhere"\nversion = "1"\n')
    errors = {entry.name: entry.error for entry in list_policies([users]) if entry.error}
    assert errors == {
        "bad name": "name 'bad name' is not a policy name (letters, digits, '-' and '_' only, 64 at most)",
        "broken": "ratios.ccc: must be a positive number, got -1",
        "csc-current": "name 'csc-current' is already used by a shipped policy",
        "orphan": "extends: no policy named 'nowhere'",
    }
    with pytest.raises(PolicyError) as caught:
        load_policy("nope", search_dirs=[users])
    assert str(caught.value) == "name: no policy named 'nope'"


def test_a_refusal_quotes_at_most_sixty_characters_of_a_text_the_user_gave():
    data = copy.deepcopy(csc_data())
    data["ratios"]["ccc"] = "x" * 10_000
    assert refusal(data) == f"ratios.ccc: must be a number, got '{'x' * 60}'…"
