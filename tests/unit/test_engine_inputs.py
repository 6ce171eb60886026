"""Engine inputs from import-format rows, from a CSV folder and from arrays; bad data is named."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys

import numpy as np
import pytest

from caseweight.engine.inputs import (
    InputError,
    factor_mask,
    factors_of,
    inputs_from_arrays,
    inputs_from_csv_folder,
    inputs_from_tables,
    level_code,
)
from caseweight.imports.tables import TABLES

SITES = [
    {"code": "KIN", "name": "Kingston", "region": "ONT", "kind": "institution", "security_levels": "medium;maximum", "languages": "en"},
    {"code": "OTT", "name": "Ottawa", "region": "ONT", "kind": "parole_office", "security_levels": "", "languages": "en;fr"},
    {"code": "MTL", "name": "Montréal", "region": "QUE", "kind": "ccc", "security_levels": "", "languages": "fr"},
]  # fmt: skip
OFFICERS = [
    {"code": "PO-1", "name": "A", "site": "KIN", "role": "po", "fte": "1.000", "languages": "en", "specialisations": ""},
    {"code": "PO-2", "name": "B", "site": "OTT", "role": "po", "fte": "0.800", "languages": "en", "specialisations": ""},
    {"code": "MAI-1", "name": "C", "site": "KIN", "role": "mai", "fte": "1.000", "languages": "en", "specialisations": ""},
]  # fmt: skip


def case(ref, site, *, security="", supervision="", factors="", opened="2025-01-15", closed=""):
    return {"ref": ref, "site": site, "security_level": security, "supervision_level": supervision, "language": "en",
            "factors": factors, "officer": "", "opened": opened, "closed": closed}  # fmt: skip


CASES = [
    case("C1", "KIN", security="medium"),
    case("C2", "KIN", security="maximum", factors="trauma;mental_health"),
    case("C3", "OTT", supervision="A"),
    case("C4", "OTT", supervision="intensive", closed="2025-06-01"),
    case("C5", "MTL", supervision="B", factors="interpreter"),
]


def tables(**overrides):
    return {"regions": [{"code": "ATL"}, {"code": "ONT"}, {"code": "QUE"}], "sites": SITES, "officers": OFFICERS,
            "cases": CASES, **overrides}  # fmt: skip


def test_rows_become_coded_arrays():
    inputs = inputs_from_tables(tables())
    assert inputs.sites.codes == ("KIN", "OTT", "MTL")
    assert inputs.sites.regions == ("ATL", "ONT", "QUE")  # the regions table's order, even one without sites
    assert inputs.sites.security_levels.tolist() == [0b110, 0, 0]
    assert inputs.cases.site.tolist() == [0, 0, 1, 2]  # C4 is closed
    assert inputs.cases.level.tolist() == [level_code("medium"), level_code("maximum"), level_code("A"), level_code("B")]
    assert factors_of(int(inputs.cases.factors[1])) == ["mental_health", "trauma"]
    assert inputs.case_counts[0, level_code("medium")] == 1


def test_only_parole_officers_count_toward_actual_fte():
    inputs = inputs_from_tables(tables())
    assert inputs.actual_fte.tolist() == [1.0, 0.8, 0.0]
    assert inputs.counted_officers.tolist() == [1, 1, 0]
    widened = inputs_from_tables(tables(), counted_roles=("po", "mai"))
    assert widened.actual_fte.tolist() == [2.0, 0.8, 0.0]


def test_as_of_counts_the_cases_open_on_that_day():
    on = inputs_from_tables(tables(), as_of=dt.date(2025, 5, 1))
    assert len(on.cases) == 5  # C4 closes on 2025-06-01: still open on 1 May
    before = inputs_from_tables(tables(), as_of=dt.date(2025, 1, 1))
    assert len(before.cases) == 0  # nothing opened yet


def test_add_on_hours_and_approved_extra_hours_are_optional_inputs():
    inputs = inputs_from_tables(tables(), site_addon_hours={"OTT": 12.5}, case_extra_hours={"C3": 4})
    assert inputs.sites.addon_hours.tolist() == [0, 12.5, 0]
    assert inputs.cases.extra_hours.tolist() == [0, 0, 4, 0]
    assert inputs_from_tables(tables()).cases.extra_hours is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cases": [case("X", "NOPE", supervision="A")]}, "cases row 1, column site: unknown site 'NOPE'"),
        ({"cases": [case("X", "KIN", security="minimum")]},
         "cases row 1, column security_level: security level 'minimum' is not one of site KIN's levels (medium;maximum)"),
        ({"cases": [case("X", "KIN", supervision="A")]},
         "cases row 1, column security_level: a case in an institution needs a security level"),
        ({"cases": [case("X", "OTT", supervision="E")]}, "cases row 1, column supervision_level: unknown supervision level 'E'"),
        ({"cases": [case("X", "OTT", security="minimum")]},
         "cases row 1, column supervision_level: a community case needs a supervision level"),
        ({"cases": [case("X", "OTT", supervision="A"), case("Y", "OTT", supervision="A", factors="gangs")]},
         "cases row 2, column factors: unknown complexity factor 'gangs'"),
        ({"officers": [{**OFFICERS[0], "fte": "1.5"}]}, "officers row 1, column fte: fte '1.5' is out of range"),
        ({"officers": [{**OFFICERS[0], "role": "boss"}]}, "officers row 1, column role: unknown role 'boss'"),
        ({"sites": [{**SITES[0], "security_levels": ""}]},
         "sites row 1, column security_levels: an institution needs at least one security level"),
        ({"sites": [{**SITES[1], "region": "XX"}]}, "sites row 1, column region: unknown region 'XX'"),
    ],
)  # fmt: skip
def test_bad_rows_are_refused_naming_table_row_and_column(change, message):
    with pytest.raises(InputError) as caught:
        inputs_from_tables(tables(**change))
    assert str(caught.value).startswith(message)


def test_extra_hours_for_a_case_that_is_not_open_are_refused():
    with pytest.raises(InputError, match="no open case 'C4'"):
        inputs_from_tables(tables(), case_extra_hours={"C4": 2})


def write_folder(folder, data):
    for name in ("regions", "sites", "officers", "cases"):
        columns = TABLES[name].columns
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in data[name]:
                writer.writerow({c: row.get(c, "") for c in columns})


def test_a_csv_folder_in_the_import_format_gives_the_same_inputs(tmp_path):
    write_folder(tmp_path, tables())
    from_folder = inputs_from_csv_folder(tmp_path)
    from_rows = inputs_from_tables(tables())
    assert from_folder.sites.codes == from_rows.sites.codes
    assert from_folder.sites.regions == from_rows.sites.regions
    for name in ("site", "level", "factors"):
        assert getattr(from_folder.cases, name).tolist() == getattr(from_rows.cases, name).tolist()
    assert from_folder.actual_fte.tolist() == from_rows.actual_fte.tolist()


def test_a_bad_row_in_a_csv_folder_is_named(tmp_path):
    write_folder(tmp_path, tables(cases=[*CASES, case("C9", "OTT", supervision="Z")]))
    with pytest.raises(InputError, match="cases row 6, column supervision_level: unknown supervision level 'Z'"):
        inputs_from_csv_folder(tmp_path)


def arrays(**overrides):
    args = dict(
        site_codes=["KIN", "OTT"],
        site_regions=["ONT", "ONT"],
        site_kinds=["institution", "parole_office"],
        site_security_levels=["medium;maximum", ""],
        officer_site=np.array([0, 1], dtype=np.int32),
        officer_fte=np.array([1.0, 0.5]),
        case_site=np.array([0, 0, 1], dtype=np.int32),
        case_level=np.array([level_code("medium"), level_code("maximum"), level_code("C")], dtype=np.int8),
        case_factors=np.array([0, factor_mask(["siu"]), 0], dtype=np.uint16),
    )
    return {**args, **overrides}


def test_arrays_are_accepted_as_given():
    inputs = inputs_from_arrays(**arrays())
    assert inputs.case_counts[0].tolist() == [0, 1, 1, 0, 0, 0, 0, 0]
    assert inputs.actual_fte.tolist() == [1.0, 0.5]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"case_site": np.array([0, 0, 2], dtype=np.int32)}, "cases row 3, column site: site index out of range"),
        ({"case_level": np.array([0, 1, 6], dtype=np.int8)}, "cases row 1, column security_level: security level 'minimum' is not one of site KIN's levels"),
        ({"case_level": np.array([1, 1, 1], dtype=np.int8)}, "cases row 3, column supervision_level: a community case needs a supervision level"),
        ({"case_factors": np.array([0, 1 << 11, 0], dtype=np.uint16)}, "cases row 2, column factors: factor bitmask has unknown bits"),
        ({"officer_fte": np.array([1.0, 0.0])}, "officers row 2, column fte: fte must be more than 0 and at most 1"),
        ({"site_kinds": ["institution", "prison"]}, "sites, column kind: unknown kind 'prison'"),
        ({"site_security_levels": ["", ""]}, "sites row 1, column security_levels: an institution needs at least one security level"),
    ],
)  # fmt: skip
def test_bad_arrays_are_refused_naming_the_first_bad_row(change, message):
    with pytest.raises(InputError) as caught:
        inputs_from_arrays(**arrays(**change))
    assert str(caught.value).startswith(message)


def test_the_engine_does_not_import_django():
    code = (
        "import sys, caseweight.engine, caseweight.engine.report, caseweight.engine.explain; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_bad_date_is_named_when_counting_cases_open_on_a_day():
    with pytest.raises(InputError, match="cases row 2, column closed: '2025-13-01' is not a date"):
        inputs_from_tables(tables(cases=[CASES[0], case("X", "OTT", supervision="A", closed="2025-13-01")]),
                           as_of=dt.date(2025, 5, 1))  # fmt: skip


def test_a_csv_folder_may_leave_out_optional_columns(tmp_path):
    write_folder(tmp_path, tables())
    path = tmp_path / "cases.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["ref", "site", "security_level", "supervision_level", "opened"],
                                extrasaction="ignore")  # fmt: skip
        writer.writeheader()
        writer.writerows(rows)
    inputs = inputs_from_csv_folder(tmp_path)
    assert len(inputs.cases) == 5  # no closed column: every case is open
    assert inputs.cases.factors.tolist() == [0] * 5


def test_a_short_csv_row_is_named(tmp_path):
    write_folder(tmp_path, tables())
    with (tmp_path / "cases.csv").open("a", encoding="utf-8") as f:
        f.write("C9,OTT\n")
    with pytest.raises(InputError, match="cases row 6, column \\(row\\): the row has fewer cells than the header"):
        inputs_from_csv_folder(tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"site_addon_hours": {"OTT": -2}}, "site_addon_hours, column OTT: hours a month must be a number of at least 0, got -2"),
        ({"site_addon_hours": {"XXX": 2}}, "site_addon_hours, column site: unknown site 'XXX'"),
        ({"case_extra_hours": {"C1": "lots"}}, "case_extra_hours, column C1: hours a month must be a number of at least 0, got 'lots'"),
    ],
)  # fmt: skip
def test_bad_add_on_or_extra_hours_are_named(kwargs, message):
    with pytest.raises(InputError) as caught:
        inputs_from_tables(tables(), **kwargs)
    assert str(caught.value) == message
