"""Absence rates: from hand-made records, the fallback to the policy, the season and long spells."""

from __future__ import annotations

import csv
import datetime as dt
import math

import numpy as np
import pytest

from caseweight import codes
from caseweight.engine import InputError, inputs_from_arrays, inputs_from_csv_folder, inputs_from_tables, load_policy
from caseweight.engine.absence import absence_rates, policy_season

CSC = load_policy("csc-current")
AS_OF = dt.date(2025, 12, 1)  # a Monday: the window is 2024-12-02 .. 2025-11-30, 260 working days


def office(officers: int, absences: list[dict], *, site: str = "OTT", extra_sites: tuple[str, ...] = ()) -> dict:
    sites = [{"code": site, "region": "ONT", "kind": "parole_office"}]
    sites += [{"code": code, "region": "ONT", "kind": "parole_office"} for code in extra_sites]
    return {
        "sites": sites,
        "officers": [{"code": f"P{i}", "site": site, "role": "po", "fte": "1"} for i in range(officers)],
        "cases": [],
        "absences": absences,
    }


def away(officer: str, start: str, end: str, kind: str = "sick") -> dict:
    return {"officer": officer, "kind": kind, "start": start, "end": end}


def test_one_of_two_officers_away_ten_working_days_in_a_year_gives_ten_in_two_times_260():
    inputs = inputs_from_tables(office(2, [away("P0", "2025-03-03", "2025-03-14")]))
    rates = absence_rates(inputs, CSC, as_of=AS_OF, recorded_since=dt.date(2024, 1, 1), min_officer_years=1)
    assert rates.source == ("records",)
    assert math.isclose(rates.rate[0], 10 / (2 * 260))
    assert math.isclose(rates.site(0)["by_kind"]["sick"], 10 / 520) and rates.site(0)["by_kind"]["annual"] == 0
    assert rates.officer_years[0] == 2.0


def test_weekends_and_days_outside_the_window_do_not_count():
    # Friday 2024-11-29 to Tuesday 2024-12-03: only Monday 2 and Tuesday 3 December are in the window.
    inputs = inputs_from_tables(office(2, [away("P0", "2024-11-29", "2024-12-03", "annual")]))
    rates = absence_rates(inputs, CSC, as_of=AS_OF, recorded_since=dt.date(2024, 1, 1), min_officer_years=1)
    assert math.isclose(rates.by_kind[0, codes.ABSENCE_KINDS.index("annual")], 2 / 520)


def test_a_site_with_too_few_officer_years_uses_the_policy_rates_and_says_so():
    inputs = inputs_from_tables(office(2, [away("P0", "2025-03-03", "2025-03-14")]))
    rates = absence_rates(inputs, CSC, as_of=AS_OF, recorded_since=dt.date(2024, 1, 1))  # policy minimum: 5 officer-years
    assert rates.source == ("policy",)
    assert math.isclose(rates.rate[0], sum(CSC.absence_rates[k].value for k in codes.ABSENCE_KINDS))
    assert math.isclose(rates.recorded_rate[0], 10 / 520)  # the records' own figure is still given
    assert rates.site(0)["source"] == "policy"


def test_a_site_whose_officers_were_never_away_in_a_year_has_not_recorded_its_absences():
    inputs = inputs_from_tables(office(10, [away("P0", "2023-01-02", "2023-01-06")]))
    rates = absence_rates(inputs, CSC, as_of=AS_OF)
    assert rates.records[0] == 0 and rates.officer_years[0] == 10
    assert rates.source == ("policy",)


def test_days_before_recording_began_are_not_counted_as_days_at_work():
    # Records begin on Monday 2025-06-02 (the earliest absence): 26 weeks of the window are observed.
    inputs = inputs_from_tables(office(2, [away("P0", "2025-06-02", "2025-06-06")]))
    rates = absence_rates(inputs, CSC, as_of=AS_OF, min_officer_years=0.5)
    assert rates.observed_start == dt.date(2025, 6, 2)
    working_days = int(np.busday_count(np.datetime64("2025-06-02"), np.datetime64("2025-12-01")))
    assert math.isclose(rates.rate[0], 5 / (2 * working_days))
    assert math.isclose(rates.officer_years[0], 2 * working_days / 260)


def test_only_absences_of_parole_officers_count():
    tables = office(2, [away("P0", "2025-03-03", "2025-03-07"), away("M1", "2025-04-07", "2025-04-18")])
    tables["officers"].append({"code": "M1", "site": "OTT", "role": "mai", "fte": "1"})
    rates = absence_rates(inputs_from_tables(tables), CSC, as_of=AS_OF, recorded_since=dt.date(2024, 1, 1), min_officer_years=1)
    assert math.isclose(rates.rate[0], 5 / 520)


def test_each_site_has_its_own_rate_and_source():
    tables = office(6, [away("P0", "2025-03-03", "2025-03-14", "annual")], extra_sites=("SUD",))
    tables["officers"].append({"code": "S1", "site": "SUD", "role": "po", "fte": "1"})
    rates = absence_rates(inputs_from_tables(tables), CSC, as_of=AS_OF, recorded_since=dt.date(2024, 1, 1))
    assert rates.source == ("records", "policy")
    assert math.isclose(rates.rate[0], 10 / (6 * 260))
    assert rates.summary()["sites_records"] == 1 and rates.summary()["sites_policy"] == 1


def test_the_weekly_shares_follow_iso_weeks():
    # ISO week 11 of 2025 is 10-14 March: one of two officers away all week.
    inputs = inputs_from_tables(office(2, [away("P0", "2025-03-10", "2025-03-14")]))
    rates = absence_rates(inputs, CSC, as_of=AS_OF, recorded_since=dt.date(2024, 1, 1), min_officer_years=1)
    assert rates.weekly[0, 10] == 0.5
    assert np.nansum(rates.weekly[0]) == 0.5


def test_the_policy_season_peaks_in_summer_and_december_and_averages_one():
    season = policy_season(CSC)
    assert math.isclose(season.mean(), 1.0)
    assert season[26] == 1.6 and season[34] == 1.6  # ISO weeks 27 and 35
    assert season[50] == 2.0 and season[51] == 2.0  # ISO weeks 51 and 52
    assert math.isclose(season[0], (52 - 9 * 1.6 - 2 * 2.0) / 41)


def test_the_season_and_long_spells_come_from_the_records_when_there_are_enough():
    # 60 officers: each takes two weeks in July or August and the week of Christmas (short
    # absences), and every sixth is seconded for 8 weeks in spring (a long spell).
    absences = []
    for i in range(60):
        summer = dt.date(2025, 7, 7) + dt.timedelta(weeks=i % 6)
        absences.append(away(f"P{i}", summer.isoformat(), (summer + dt.timedelta(11)).isoformat(), "annual"))
        absences.append(away(f"P{i}", "2025-12-22", "2025-12-26", "annual"))
        if i % 6 == 0:
            absences.append(away(f"P{i}", "2025-03-03", "2025-04-25", "secondment"))
    inputs = inputs_from_tables(office(60, absences))
    rates = absence_rates(inputs, CSC, as_of=dt.date(2026, 1, 5), recorded_since=dt.date(2024, 1, 1))
    assert rates.season_source == "records" and rates.long_source == "records"
    season = rates.season
    assert math.isclose(season.mean(), 1.0)
    summer, december = season[27:35].mean(), season[51]
    others = np.delete(season, list(range(27, 35)) + [51])
    assert summer > 3 and december > 10 and others.max() == others.min() == 0  # no short absence elsewhere
    short_days, long_days = 60 * (10 + 5), 10 * 40
    assert math.isclose(rates.long_share, long_days / (short_days + long_days))
    assert math.isclose(rates.long_mean_weeks, 8.0)


def test_with_too_little_history_the_season_and_long_spells_come_from_the_policy():
    inputs = inputs_from_tables(office(6, [away("P0", "2025-07-07", "2025-07-18", "annual")]))
    rates = absence_rates(inputs, CSC, as_of=AS_OF, recorded_since=dt.date(2024, 1, 1))
    assert rates.season_source == "policy" and rates.long_source == "policy"
    assert np.allclose(rates.season, policy_season(CSC))
    assert rates.long_share == 0.2 and rates.long_mean_weeks == 8


def test_without_absence_records_every_site_uses_the_policy():
    inputs = inputs_from_tables({k: v for k, v in office(8, []).items() if k != "absences"})
    assert inputs.absences is None
    rates = absence_rates(inputs, CSC, as_of=AS_OF)
    assert rates.source == ("policy",) and rates.observed_start is None


def test_absences_come_in_through_tables_a_csv_folder_and_arrays_alike(tmp_path):
    tables = office(6, [away("P0", "2025-03-03", "2025-03-14"), away("P3", "2025-07-07", "2025-07-25", "annual")])
    for name, rows in tables.items():
        if not rows:
            continue
        with (tmp_path / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    from_tables = inputs_from_tables(tables)
    from_csv = inputs_from_csv_folder(tmp_path)
    from_arrays = inputs_from_arrays(
        site_codes=["OTT"], site_regions=["ONT"], site_kinds=["parole_office"],
        officer_site=np.zeros(6, np.int32), officer_fte=np.ones(6), officer_codes=[f"P{i}" for i in range(6)],
        case_site=np.zeros(0, np.int32), case_level=np.zeros(0, np.int8),
        absence_officer=np.array([0, 3]), absence_kind=["sick", "annual"],
        absence_start=["2025-03-03", "2025-07-07"], absence_end=["2025-03-14", "2025-07-25"],
    )  # fmt: skip
    by_site = inputs_from_arrays(
        site_codes=["OTT"], site_regions=["ONT"], site_kinds=["parole_office"],
        officer_site=np.zeros(6, np.int32), officer_fte=np.ones(6),
        case_site=np.zeros(0, np.int32), case_level=np.zeros(0, np.int8),
        absence_site=np.array([0, 0]), absence_kind=np.array([1, 0]),
        absence_start=np.array(["2025-03-03", "2025-07-07"], dtype="datetime64[D]"),
        absence_end=np.array(["2025-03-14", "2025-07-25"], dtype="datetime64[D]"),
    )  # fmt: skip
    assert from_tables.officers.codes == from_csv.officers.codes == tuple(f"P{i}" for i in range(6))
    expected = (10 + 15) / (6 * 260)
    for inputs in (from_tables, from_csv, from_arrays, by_site):
        rates = absence_rates(inputs, CSC, as_of=AS_OF, recorded_since=dt.date(2024, 1, 1))
        assert rates.source == ("records",) and math.isclose(rates.rate[0], expected)


def test_an_absence_of_an_officer_not_in_the_officers_table_is_refused_with_its_row():
    with pytest.raises(InputError, match="absences row 2, column officer: unknown officer 'X9'"):
        inputs_from_tables(office(2, [away("P0", "2025-03-03", "2025-03-14"), away("X9", "2025-03-03", "2025-03-04")]))


def test_an_absence_that_ends_before_it_starts_is_refused():
    with pytest.raises(InputError, match="absences row 1, column end"):
        inputs_from_tables(office(2, [away("P0", "2025-03-14", "2025-03-03")]))


def test_an_unknown_absence_kind_or_a_bad_date_is_refused():
    with pytest.raises(InputError, match="absences row 1, column kind"):
        inputs_from_tables(office(2, [away("P0", "2025-03-03", "2025-03-04", "holiday")]))
    with pytest.raises(InputError, match="absences row 1, column start: '2025-13-03' is not a date"):
        inputs_from_tables(office(2, [away("P0", "2025-13-03", "2025-03-04")]))
