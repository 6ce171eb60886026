"""The demo data set generator (caseweight.demo.generator): pure Python, no database."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict

import pytest

from caseweight import codes, rules
from caseweight.demo import generator
from caseweight.demo.generator import generate_demo, site_loads
from caseweight.imports.tables import TABLES

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo():
    return generate_demo(seed=2026, today=TODAY)


def _by_code(rows, key="code"):
    return {row[key]: row for row in rows}


def _open_cases(demo):
    return [case for case in demo["cases"] if not case["closed"]]


def _workdays(start: str, end: str):
    day, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    while day <= last:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def _cases_per_po_fte(demo) -> dict[str, float]:
    fte = Counter()
    for officer in demo["officers"]:
        if officer["role"] == "po":
            fte[officer["site"]] += float(officer["fte"])
    cases = Counter(case["site"] for case in _open_cases(demo))
    return {site: cases[site] / fte[site] for site in cases}


# --- determinism ---------------------------------------------------------------------------


def test_the_same_seed_and_day_give_byte_identical_tables(demo):
    again = generate_demo(seed=2026, today=TODAY)
    assert json.dumps(again, ensure_ascii=False) == json.dumps(demo, ensure_ascii=False)


def test_another_seed_gives_other_tables(demo):
    other = generate_demo(seed=2027, today=TODAY)
    assert other["cases"] != demo["cases"]
    assert other["officers"] != demo["officers"]
    assert other["absences"] != demo["absences"]


def test_a_day_later_only_a_few_absences_change(demo):
    # So reloading the demo each day rewrites a handful of absences, not all of them.
    later = generate_demo(seed=2026, today=TODAY + dt.timedelta(days=1))
    before = {tuple(row.values()) for row in demo["absences"]}
    after = {tuple(row.values()) for row in later["absences"]}
    assert len(before ^ after) < 0.02 * len(before)


def test_the_generator_module_does_not_import_django():
    code = "import sys, caseweight.demo.generator; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- format ----------------------------------------------------------------------------------


def test_every_row_has_exactly_the_columns_of_its_import_table_and_only_strings(demo):
    assert set(demo) == {"sites", "officers", "cases", "absences"}
    for table, rows in demo.items():
        for row in rows:
            assert tuple(row) == TABLES[table].columns
            assert all(isinstance(value, str) for value in row.values())
            assert all(row[column] for column in TABLES[table].required)


def test_keys_are_unique_in_every_table(demo):
    for table, rows in demo.items():
        keys = [tuple(row[column] for column in TABLES[table].key) for row in rows]
        assert len(keys) == len(set(keys)), table


def test_case_references_are_pseudonymous_numbers_never_names(demo):
    assert all(re.fullmatch(r"C-\d{7}", case["ref"]) for case in demo["cases"])


# --- scale -----------------------------------------------------------------------------------


def test_the_data_set_has_the_national_scale(demo):
    kinds = Counter(site["kind"] for site in demo["sites"])
    assert 40 <= kinds["institution"] <= 46
    assert 85 <= kinds["parole_office"] <= 95
    assert 12 <= kinds["ccc"] <= 16
    sites = _by_code(demo["sites"])
    custody = sum(1 for case in _open_cases(demo) if sites[case["site"]]["kind"] == "institution")
    community = len(_open_cases(demo)) - custody
    assert 12_000 <= custody <= 13_000
    assert 8_500 <= community <= 9_500
    assert 1_400 <= len(demo["officers"]) <= 1_600


def test_quebec_and_ontario_have_the_most_institutions_and_about_eight_are_hybrid(demo):
    institutions = [site for site in demo["sites"] if site["kind"] == "institution"]
    by_region = Counter(site["region"] for site in institutions)
    assert {region for region, _count in by_region.most_common(2)} == {"QUE", "ONT"}
    hybrids = [site for site in institutions if ";" in site["security_levels"]]
    assert 6 <= len(hybrids) <= 10
    assert {level for site in institutions for level in site["security_levels"].split(";")} == set(codes.SECURITY_LEVELS)


def test_a_scaled_data_set_keeps_a_share_of_the_sites_and_the_demo_office():
    small = generate_demo(seed=2026, today=TODAY, scale=0.05)
    site_codes = {site["code"] for site in small["sites"]}
    assert len(site_codes) == 15  # one of each kind in each region
    assert "ONT-P01" in site_codes
    assert {officer["site"] for officer in small["officers"]} <= site_codes


def test_a_scale_out_of_range_is_refused():
    with pytest.raises(ValueError):
        generate_demo(today=TODAY, scale=0)


# --- the shared rules ------------------------------------------------------------------------


def test_every_site_passes_the_shared_rules(demo):
    for site in demo["sites"]:
        assert site["region"] in generator.REGIONS
        assert site["kind"] in codes.SITE_KINDS
        levels = rules.site_security_levels(kind=site["kind"], security_levels=site["security_levels"])
        assert codes.join_codes(levels) == site["security_levels"]
        languages = codes.parse_code_list(site["languages"], codes.LANGUAGES, what="language", required=True)
        assert codes.join_codes(languages) == site["languages"]


def test_every_officer_passes_the_shared_rules(demo):
    sites = _by_code(demo["sites"])
    for officer in demo["officers"]:
        assert officer["site"] in sites
        assert officer["role"] in codes.OFFICER_ROLES
        rules.officer_fte(officer["fte"])
        assert codes.join_codes(codes.parse_code_list(
            officer["languages"], codes.LANGUAGES, what="language", required=True)) == officer["languages"]
        assert codes.join_codes(codes.parse_code_list(
            officer["specialisations"], codes.SPECIALISATIONS, what="specialisation")) == officer["specialisations"]


def test_every_case_passes_the_shared_rules_and_its_officer_is_a_po_at_its_site(demo):
    sites = _by_code(demo["sites"])
    officers = _by_code(demo["officers"])
    for case in demo["cases"]:
        site = sites[case["site"]]
        rules.case_levels(site_kind=site["kind"], site_levels=site["security_levels"].split(";"),
                          security_level=case["security_level"], supervision_level=case["supervision_level"])
        codes.parse_code(case["language"], codes.LANGUAGES, what="language")
        assert codes.join_codes(codes.parse_code_list(
            case["factors"], codes.COMPLEXITY_FACTORS, what="factor")) == case["factors"]
        opened = dt.date.fromisoformat(case["opened"])
        closed = dt.date.fromisoformat(case["closed"]) if case["closed"] else None
        rules.date_order(start=opened, end=closed, start_column="opened", end_column="closed")
        assert opened <= TODAY
        if case["officer"]:
            officer = officers[case["officer"]]
            assert officer["site"] == case["site"]
            assert officer["role"] == "po"
            # Every site has a PO for each language of its cases, so this always holds here.
            assert case["language"] in officer["languages"].split(";")


def test_every_absence_ends_on_or_after_its_start_and_none_overlap(demo):
    officers = _by_code(demo["officers"])
    spans = defaultdict(list)
    for absence in demo["absences"]:
        assert absence["officer"] in officers
        assert absence["kind"] in codes.ABSENCE_KINDS
        start, end = dt.date.fromisoformat(absence["start"]), dt.date.fromisoformat(absence["end"])
        rules.date_order(start=start, end=end, start_column="start", end_column="end")
        spans[absence["officer"]].append((start, end))
    for officer_spans in spans.values():
        officer_spans.sort()
        for (_start, end), (next_start, _next_end) in zip(officer_spans, officer_spans[1:]):
            assert next_start > end


# --- realism ---------------------------------------------------------------------------------


def test_most_officers_are_full_time_pos_and_each_site_has_one_supervisor(demo):
    roles = Counter(officer["role"] for officer in demo["officers"])
    assert roles["po"] > 0.7 * len(demo["officers"])
    assert roles["cma"] > 0 and roles["alo"] > 0
    supervisor_role = {"institution": "mai", "parole_office": "pos", "ccc": "ccc_manager"}
    supervisors = Counter((officer["site"], officer["role"]) for officer in demo["officers"]
                          if officer["role"] in supervisor_role.values())
    for site in demo["sites"]:
        assert supervisors[(site["code"], supervisor_role[site["kind"]])] == 1
    ftes = Counter(officer["fte"] for officer in demo["officers"])
    assert ftes["1.0"] > 0.75 * len(demo["officers"])
    assert {"0.8", "0.6", "0.5"} <= set(ftes)


def test_quebec_officers_mostly_speak_french_and_the_others_mostly_english(demo):
    sites = _by_code(demo["sites"])
    quebec = [o for o in demo["officers"] if sites[o["site"]]["region"] == "QUE"]
    others = [o for o in demo["officers"] if sites[o["site"]]["region"] != "QUE"]
    assert sum("fr" in o["languages"] for o in quebec) > 0.95 * len(quebec)
    assert sum(o["languages"] == "en" for o in others) > 0.6 * len(others)
    assert any(o["languages"] == "en;fr" for o in others)


def test_officer_names_mix_english_and_french_names_with_accents(demo):
    names = [officer["name"] for officer in demo["officers"]]
    assert any(name.startswith(tuple(generator.FIRST_NAMES_FR)) for name in names)
    assert any(name.startswith(tuple(generator.FIRST_NAMES_EN)) for name in names)
    assert any(re.search(r"[éèëïçô]", name) for name in names)


def test_specialisations_are_a_minority_and_women_s_institutions_have_them(demo):
    sites = _by_code(demo["sites"])
    counts = Counter(s for o in demo["officers"] for s in o["specialisations"].split(";") if s)
    assert set(counts) == set(codes.SPECIALISATIONS)
    assert all(count < 0.2 * len(demo["officers"]) for count in counts.values())
    womens = {site["code"] for site in demo["sites"] if "Women" in site["name"] or "femmes" in site["name"]}
    assert len(womens) >= 4
    assert all("women" in o["specialisations"] for o in demo["officers"] if o["site"] in womens)
    assert all(sites[o["site"]]["kind"] == "institution" for o in demo["officers"]
               if "siu" in o["specialisations"])


def test_most_cases_have_at_most_two_complexity_factors(demo):
    counts = Counter(len(case["factors"].split(";")) if case["factors"] else 0 for case in demo["cases"])
    assert counts[0] + counts[1] + counts[2] > 0.75 * len(demo["cases"])


def test_siu_cases_are_only_in_maximum_and_medium_institutions(demo):
    siu = [case for case in demo["cases"] if "siu" in case["factors"].split(";")]
    assert siu
    assert all(case["security_level"] in ("maximum", "medium") for case in siu)


def test_indigenous_planning_is_most_frequent_in_the_prairies(demo):
    sites = _by_code(demo["sites"])
    share = {}
    for region in generator.REGIONS:
        cases = [case for case in demo["cases"] if sites[case["site"]]["region"] == region]
        share[region] = sum("indigenous_planning" in case["factors"] for case in cases) / len(cases)
    assert max(share, key=share.get) == "PRA"


def test_interpreter_and_deportation_are_rare(demo):
    for factor in ("interpreter", "deportation"):
        count = sum(factor in case["factors"].split(";") for case in demo["cases"])
        assert 0 < count < 0.02 * len(demo["cases"])


def test_ccc_residents_are_mostly_intensive_or_a(demo):
    sites = _by_code(demo["sites"])
    levels = Counter(case["supervision_level"] for case in demo["cases"] if sites[case["site"]]["kind"] == "ccc")
    assert levels["intensive"] + levels["A"] > 0.7 * sum(levels.values())
    offices = Counter(case["supervision_level"] for case in demo["cases"]
                      if sites[case["site"]]["kind"] == "parole_office")
    assert set(offices) == set(codes.SUPERVISION_LEVELS)
    assert offices["intensive"] + offices["A"] < 0.5 * sum(offices.values())


def test_most_cases_are_the_site_s_main_language(demo):
    sites = _by_code(demo["sites"])
    quebec = [case for case in demo["cases"] if sites[case["site"]]["region"] == "QUE"]
    assert sum(case["language"] == "fr" for case in quebec) > 0.8 * len(quebec)
    ontario = [case for case in demo["cases"] if sites[case["site"]]["region"] == "ONT"]
    assert sum(case["language"] == "en" for case in ontario) > 0.8 * len(ontario)


def test_most_cases_are_assigned_a_few_dozen_await_an_officer_and_a_few_hundred_are_closed(demo):
    open_cases = _open_cases(demo)
    unassigned = [case for case in open_cases if not case["officer"]]
    assert 20 <= len(unassigned) <= 80
    # New cases: opened in the last two weeks, three at the demo supervisor's office.
    assert all(TODAY - dt.date.fromisoformat(case["opened"]) <= dt.timedelta(days=14) for case in unassigned)
    assert sum(case["site"] == "ONT-P01" for case in unassigned) >= 3
    closed = [case for case in demo["cases"] if case["closed"]]
    assert 150 <= len(closed) <= 600
    assert all(case["closed"] < TODAY.isoformat() for case in closed)


def test_some_institutions_are_above_the_1_to_30_ratio_and_some_below_1_to_25(demo):
    ratios = _cases_per_po_fte(demo)
    institutions = [site["code"] for site in demo["sites"] if site["kind"] == "institution"]
    above = {code for code in institutions if ratios[code] > 30}
    below = {code for code in institutions if ratios[code] < 25}
    assert len(above) >= 5 and len(below) >= 5
    loads = site_loads()
    assert {code for code in institutions if loads[code] == "over"} <= above
    assert {code for code in institutions if loads[code] == "light"} <= below


def test_over_loaded_parole_offices_carry_more_and_heavier_cases_per_officer(demo):
    ratios = _cases_per_po_fte(demo)
    loads = site_loads()
    offices = [site["code"] for site in demo["sites"] if site["kind"] == "parole_office"]
    over = [code for code in offices if loads[code] == "over"]
    light = [code for code in offices if loads[code] == "light"]
    assert min(ratios[code] for code in over) > max(ratios[code] for code in light)
    intensive = Counter(case["site"] for case in _open_cases(demo) if case["supervision_level"] in ("intensive", "A"))
    total = Counter(case["site"] for case in _open_cases(demo))
    share = lambda codes_: sum(intensive[c] for c in codes_) / sum(total[c] for c in codes_)  # noqa: E731
    assert share(over) > 1.5 * share(light)


def test_the_docstring_names_exactly_the_sites_staffed_over_and_under_on_purpose():
    doc = generator.__doc__
    over_text = doc[doc.index("- over-loaded:"):doc.index("- comfortably staffed:")]
    light_text = doc[doc.index("- comfortably staffed:"):doc.index("- every other site")]
    loads = site_loads()
    assert set(re.findall(r"[A-Z]{3}-[IPC]\d\d", over_text)) == {c for c, load in loads.items() if load == "over"}
    assert set(re.findall(r"[A-Z]{3}-[IPC]\d\d", light_text)) == {c for c, load in loads.items() if load == "light"}


def test_every_officer_has_a_year_of_absences_ending_today(demo):
    first = TODAY - dt.timedelta(days=364)
    assert {a["officer"] for a in demo["absences"]} == {o["code"] for o in demo["officers"]}
    assert all(first.isoformat() <= a["start"] <= TODAY.isoformat() for a in demo["absences"])
    kinds = Counter(a["kind"] for a in demo["absences"])
    assert set(kinds) == set(codes.ABSENCE_KINDS)


def test_annual_and_sick_leave_have_realistic_yearly_rates(demo):
    days = Counter()
    for absence in demo["absences"]:
        days[absence["kind"]] += sum(1 for _day in _workdays(absence["start"], absence["end"]))
    officers = len(demo["officers"])
    assert 15 <= days["annual"] / officers <= 25
    assert 8 <= days["sick"] / officers <= 11
    assert 1 <= days["training"] / officers <= 5
    sick_spells = [a for a in demo["absences"] if a["kind"] == "sick"]
    short = [a for a in sick_spells if sum(1 for _d in _workdays(a["start"], a["end"])) <= 3]
    assert len(short) > 0.95 * len(sick_spells)


def test_some_officers_are_seconded_for_months(demo):
    secondments = [a for a in demo["absences"] if a["kind"] == "secondment"]
    assert 5 <= len(secondments) <= 60
    assert any(dt.date.fromisoformat(a["end"]) - dt.date.fromisoformat(a["start"]) > dt.timedelta(days=60)
               for a in secondments)


def test_annual_leave_peaks_in_july_and_august_and_at_christmas(demo):
    days = Counter()
    for absence in demo["absences"]:
        if absence["kind"] == "annual":
            days.update((day.month, day.day) for day in _workdays(absence["start"], absence["end"]))

    def between(first: tuple[int, int], last: tuple[int, int]) -> int:
        return sum(count for month_day, count in days.items() if first <= month_day <= last)

    summer = between((7, 1), (8, 31))  # 62 days
    spring = between((4, 1), (6, 1))  # 62 days too
    assert summer > 2 * spring
    christmas = between((12, 18), (12, 31))
    early_november = between((11, 1), (11, 14))
    assert christmas > 2 * early_november


def test_sick_leave_is_more_frequent_in_winter_than_in_summer(demo):
    starts = Counter(dt.date.fromisoformat(a["start"]).month for a in demo["absences"] if a["kind"] == "sick")
    assert starts[1] + starts[2] > 1.5 * (starts[7] + starts[8])
