"""One site's distribution inputs from import-format rows."""

from __future__ import annotations

import datetime as dt

import pytest

from caseweight.engine.inputs import InputError
from caseweight.engine.workload import Absence, Case, Officer, Reduction, SiteWorkload, site_workload_from_tables, week_of

AS_OF = dt.date(2025, 6, 4)  # a Wednesday


def tables(**extra):
    rows = {
        "sites": [
            {"code": "OTT", "name": "Ottawa", "region": "ONT", "kind": "parole_office", "languages": "en;fr"},
            {"code": "KIN", "name": "Kingston", "region": "ONT", "kind": "parole_office", "languages": "en"},
        ],
        "officers": [
            {"code": "ANA", "site": "OTT", "role": "po", "fte": "1", "languages": "en;fr", "specialisations": "indigenous"},
            {"code": "BOB", "site": "OTT", "role": "po", "fte": "0.6", "languages": "en", "specialisations": ""},
            {"code": "POS", "site": "OTT", "role": "pos", "fte": "1", "languages": "en"},  # supervises: no caseload
            {"code": "KAT", "site": "KIN", "role": "po", "fte": "1", "languages": "en"},  # another site
        ],
        "cases": [
            {"ref": "C1", "site": "OTT", "supervision_level": "A", "language": "en", "factors": "trauma", "officer": "ANA",
             "opened": "2025-01-10"},
            {"ref": "C2", "site": "OTT", "supervision_level": "intensive", "language": "fr", "factors": "",
             "officer": "", "opened": "2025-06-03"},
            {"ref": "C3", "site": "OTT", "supervision_level": "B", "language": "en", "officer": "BOB",
             "opened": "2024-01-01", "closed": "2025-05-01"},  # closed before as_of
            {"ref": "C4", "site": "OTT", "supervision_level": "B", "language": "en", "opened": "2025-06-30"},  # not yet
            {"ref": "K1", "site": "KIN", "supervision_level": "A", "language": "en", "officer": "KAT", "opened": "2025-01-01"},
        ],
        "absences": [
            {"officer": "BOB", "kind": "annual", "start": "2025-06-05", "end": "2025-06-06"},
            {"officer": "ANA", "kind": "sick", "start": "2025-05-01", "end": "2025-05-02"},
        ],
    }  # fmt: skip
    rows.update(extra)
    return rows


def test_the_week_of_a_day_runs_monday_to_sunday():
    assert week_of(AS_OF) == (dt.date(2025, 6, 2), dt.date(2025, 6, 8))


def test_the_site_has_its_parole_officers_and_open_cases_on_the_day():
    site = site_workload_from_tables(tables(), site="OTT", as_of=AS_OF)
    assert site.kind == "parole_office"
    assert [o.code for o in site.officers] == ["ANA", "BOB"]
    assert site.officer("ANA") == Officer(
        "ANA", 1.0, frozenset({"en", "fr"}), frozenset({"indigenous"}),
        absences=(Absence(dt.date(2025, 5, 1), dt.date(2025, 5, 2), "sick"),),
    )  # fmt: skip
    assert [c.ref for c in site.cases] == ["C1", "C2"]
    assert site.cases[0] == Case("C1", "A", frozenset({"trauma"}), "en", officer="ANA")
    assert [c.ref for c in site.new_cases()] == ["C2"]
    assert site.period == (dt.date(2025, 6, 2), dt.date(2025, 6, 8))


def test_absence_dates_decide_who_is_present_for_the_week():
    site = site_workload_from_tables(tables(), site="OTT", as_of=AS_OF)
    assert site.is_present(site.officer("ANA"))
    assert not site.is_present(site.officer("BOB"))  # away Thursday and Friday
    next_week = (dt.date(2025, 6, 9), dt.date(2025, 6, 15))
    assert site.is_present(site.officer("BOB"), next_week)


def test_extra_hours_former_officers_preferences_and_reductions_in_force_come_as_arguments():
    site = site_workload_from_tables(
        tables(),
        site="OTT",
        as_of=AS_OF,
        case_extra_hours={"C2": 3.5},
        former_officers={"C2": ["BOB", "KAT"]},
        preferred_specialisations={"C2": ["women"]},
        reductions={"ANA": [Reduction(4, "union"), Reduction(2, "training", dt.date(2025, 7, 1), None)]},
    )
    c2 = site.cases[1]
    assert (c2.extra_hours, c2.former_officers, c2.preferred_specialisations) == (3.5, ("BOB", "KAT"), frozenset({"women"}))
    assert site.officer("ANA").reductions == (Reduction(4, "union"),)  # July's training is not in force


def test_extra_hours_for_a_case_that_is_not_open_at_the_site_are_refused():
    with pytest.raises(InputError, match="no open case 'C3'"):
        site_workload_from_tables(tables(), site="OTT", as_of=AS_OF, case_extra_hours={"C3": 1})


def test_an_unknown_site_or_a_bad_code_names_the_table_and_column():
    with pytest.raises(InputError, match="unknown site 'XXX'"):
        site_workload_from_tables(tables(), site="XXX", as_of=AS_OF)
    bad = tables()
    bad["cases"][0]["language"] = "de"
    with pytest.raises(InputError, match="cases row 1, column language"):
        site_workload_from_tables(bad, site="OTT", as_of=AS_OF)


def test_an_officer_or_a_case_listed_twice_is_refused():
    with pytest.raises(ValueError, match="officer 'ANA' appears twice"):
        SiteWorkload("OTT", "parole_office", (Officer("ANA"), Officer("ANA")))
    with pytest.raises(ValueError, match="case 'C1' appears twice"):
        SiteWorkload("OTT", "parole_office", (), (Case("C1", "A"), Case("C1", "B")))
