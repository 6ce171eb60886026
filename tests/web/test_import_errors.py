"""Every kind of bad input is refused with an error naming file, row, column and value, and
nothing at all is written (the fixture organisation is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from caseweight.audit.models import AuditEntry
from caseweight.audit.services import snapshot
from caseweight.cases.models import Case
from caseweight.imports import report as import_report
from caseweight.imports.services import ImportRejected, import_path, import_tables
from caseweight.organisation.models import Absence, Officer, Region, Site

SITE = {"code": "SUD", "name": "Sudbury Parole Office", "region": "ONT", "kind": "parole_office",
        "security_levels": "", "languages": "en;fr"}
OFFICER = {"code": "PO-NEW", "name": "Nadia Roy", "site": "OTT", "role": "po", "fte": "1",
           "languages": "en", "specialisations": ""}
CASE = {"ref": "C-NEW", "site": "OTT", "security_level": "", "supervision_level": "B", "language": "en",
        "factors": "", "officer": "PO-ANA", "opened": "2025-02-01", "closed": ""}
ABSENCE = {"officer": "PO-ANA", "kind": "training", "start": "2026-03-02", "end": "2026-03-06"}
BASE = {"sites": SITE, "officers": OFFICER, "cases": CASE, "absences": ABSENCE}


def database_state() -> dict:
    """Every row of every table, and the number of audit entries."""
    return {
        "regions": [snapshot(r) for r in Region.objects.all()],
        "sites": [snapshot(s) for s in Site.objects.select_related("region")],
        "officers": [snapshot(o) for o in Officer.objects.select_related("site")],
        "cases": [snapshot(c) for c in Case.objects.select_related("site", "officer")],
        "absences": [snapshot(a) for a in Absence.objects.select_related("officer")],
        "audit": AuditEntry.objects.count(),
    }


def rejected(**kwargs) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        import_tables(**kwargs)
    return caught.value


def only_error(**kwargs) -> import_report.RowError:
    errors = rejected(**kwargs).errors
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


# table, changed cells, expected column, expected value, words of the message
BAD_CELLS = [
    ("sites", {"region": "XYZ"}, "region", "XYZ", "unknown region"),
    ("officers", {"site": "XYZ"}, "site", "XYZ", "unknown site"),
    ("cases", {"site": "XYZ"}, "site", "XYZ", "unknown site"),
    ("cases", {"officer": "PO-XYZ"}, "officer", "PO-XYZ", "unknown officer"),
    ("absences", {"officer": "PO-XYZ"}, "officer", "PO-XYZ", "unknown officer"),
    ("cases", {"officer": "PO-KIM"}, "officer", "PO-KIM", "works at site KIN, not at the case's site OTT"),
    ("officers", {"fte": "1.5"}, "fte", "1.5", "out of range"),
    ("officers", {"fte": "0"}, "fte", "0", "out of range"),
    ("officers", {"fte": "full"}, "fte", "full", "not a number"),
    ("officers", {"fte": "0,8"}, "fte", "0,8", "not a number"),
    ("absences", {"end": "2026-03-01"}, "end", "2026-03-01", "before start"),
    ("cases", {"closed": "2025-01-31"}, "closed", "2025-01-31", "before opened"),
    ("cases", {"opened": "01/02/2025"}, "opened", "01/02/2025", "YYYY-MM-DD"),
    ("cases", {"opened": "2025-02-30"}, "opened", "2025-02-30", "YYYY-MM-DD"),
    ("absences", {"start": "2026-3-2"}, "start", "2026-3-2", "YYYY-MM-DD"),
    ("sites", {"kind": "institution", "security_levels": "minimum;supermax"}, "security_levels",
     "minimum;supermax", "unknown security level 'supermax'"),
    ("sites", {"languages": "en;de"}, "languages", "en;de", "unknown language 'de'"),
    ("officers", {"specialisations": "pilot"}, "specialisations", "pilot", "unknown specialisation 'pilot'"),
    ("officers", {"role": "boss"}, "role", "boss", "unknown officer role 'boss'"),
    ("cases", {"factors": "trauma;astrology"}, "factors", "trauma;astrology", "unknown complexity factor 'astrology'"),
    ("cases", {"language": "de"}, "language", "de", "unknown language 'de'"),
    ("absences", {"kind": "holiday"}, "kind", "holiday", "unknown absence kind 'holiday'"),
    ("sites", {"kind": "prison"}, "kind", "prison", "unknown site kind 'prison'"),
    ("sites", {"security_levels": "medium"}, "security_levels", "medium", "only institutions have security levels"),
    ("sites", {"kind": "institution"}, "security_levels", "", "needs at least one security level"),
    ("cases", {"security_level": "medium", "supervision_level": ""}, "security_level", "medium",
     "a community case has a supervision level"),
    ("cases", {"supervision_level": "E"}, "supervision_level", "E", "unknown supervision level 'E'"),
    ("cases", {"site": "KIN", "officer": "PO-KIM", "security_level": "minimum", "supervision_level": ""},
     "security_level", "minimum", "not one of the site's levels (medium;maximum)"),
    ("cases", {"site": "KIN", "officer": "PO-KIM"}, "supervision_level", "B", "a case in an institution has a security level"),
    ("officers", {"name": ""}, "name", "", "may not be empty"),
    ("cases", {"opened": ""}, "opened", "", "may not be empty"),
    ("absences", {"kind": ""}, "kind", "", "may not be empty"),
    ("officers", {"code": "X" * 21}, "code", "X" * 21, "too long: at most 20 characters"),
]


@pytest.mark.parametrize("table, changes, column, value, words", BAD_CELLS,
                         ids=[f"{t}-{c}-{w}" for t, _ch, c, _v, w in BAD_CELLS])
def test_a_bad_cell_is_named_by_file_row_column_and_value_and_nothing_is_written(org, table, changes, column, value, words):
    before = database_state()
    good = dict(BASE[table])
    error = only_error(tables={table: [good, {**good, **changes, **_other_key(table, changes)}]})
    assert (error.file, error.row, error.column, error.value) == (f"{table}.csv", 3, column, value)
    assert words in error.message
    assert f"{table}.csv, row 3, column {column}, value '{value}': " in str(error)
    assert database_state() == before


def _other_key(table: str, changes: dict) -> dict:
    """The bad row gets a key of its own, so only the bad cell is wrong (not a duplicate key)."""
    key_column = {"sites": "code", "officers": "code", "cases": "ref", "absences": "start"}[table]
    if key_column in changes:
        return {}
    return {key_column: "2026-04-06"} if table == "absences" else {key_column: BASE[table][key_column] + "-2"}


def test_an_error_names_the_file_name_the_caller_gave(org):
    error = only_error(tables={"sites": [{**SITE, "region": "XYZ"}]}, file_names={"sites": "Sites 2025.csv"})
    assert str(error).startswith("Sites 2025.csv, row 2, column region, value 'XYZ': unknown region")


def test_a_duplicate_key_within_a_file_names_both_rows(org):
    before = database_state()
    error = only_error(tables={"officers": [OFFICER, {**OFFICER, "name": "Other"}]})
    assert (error.file, error.row, error.column, error.value) == ("officers.csv", 3, "code", "PO-NEW")
    assert "duplicate key: row 2 has the same code" in error.message
    assert database_state() == before


def test_a_duplicate_absence_key_is_the_same_officer_and_start(org):
    error = only_error(tables={"absences": [ABSENCE, {**ABSENCE, "kind": "sick"}]})
    assert (error.row, error.column, error.value) == (3, "start", "2026-03-02")
    assert "officer + start" in error.message


def test_a_missing_required_column_names_the_column_and_the_file(org):
    before = database_state()
    row = {k: v for k, v in OFFICER.items() if k != "fte"}
    error = only_error(tables={"officers": [row]})
    assert (error.file, error.row, error.column, error.value) == ("officers.csv", 1, "fte", None)
    assert str(error) == "officers.csv, row 1, column fte: required column missing from the header"
    assert database_state() == before


def test_an_unknown_column_is_an_error(org):
    before = database_state()
    error = only_error(tables={"officers": [{**OFFICER, "colour": "blue"}]})
    assert (error.file, error.row, error.column) == ("officers.csv", 1, "colour")
    assert "unknown column" in error.message and "fte" in error.message
    assert database_state() == before


def test_an_unknown_table_is_an_error(org):
    error = only_error(tables={"staff": [{"code": "X"}]})
    assert error.file == "staff.csv" and "unknown table" in error.message


def test_an_unknown_csv_file_in_a_folder_is_an_error_and_nothing_is_written(org, tmp_path):
    before = database_state()
    (tmp_path / "sites.csv").write_text(",".join(SITE) + "\n" + ",".join(SITE.values()) + "\n")
    (tmp_path / "staff.csv").write_text("code\nX\n")
    (tmp_path / "notes.txt").write_text("other files are ignored")
    with pytest.raises(ImportRejected) as caught:
        import_path(path=tmp_path)
    assert [str(e) for e in caught.value.errors] == [
        "staff.csv: unknown table: a file must be named after its table "
        "(regions, sites, officers, cases, absences), e.g. sites.csv"
    ]
    assert database_state() == before


def test_an_unknown_sheet_in_a_workbook_is_an_error(org, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "sites"
    workbook.active.append(list(SITE))
    workbook.active.append(list(SITE.values()))
    workbook.create_sheet("Staff").append(["code"])
    workbook.save(tmp_path / "data.xlsx")
    before = database_state()
    with pytest.raises(ImportRejected) as caught:
        import_path(path=tmp_path / "data.xlsx")
    (error,) = caught.value.errors
    assert error.file == "data.xlsx, sheet Staff" and "unknown sheet" in error.message
    assert database_state() == before


def test_a_cell_error_in_a_workbook_names_the_sheet_and_the_spreadsheet_row(org, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "officers"
    sheet.append(list(OFFICER))
    sheet.append(list(OFFICER.values()))
    sheet.append([])  # a blank row still counts in the numbering
    sheet.append(list({**OFFICER, "code": "PO-TWO", "fte": 2}.values()))
    workbook.save(tmp_path / "staff.xlsx")
    with pytest.raises(ImportRejected) as caught:
        import_path(path=tmp_path / "staff.xlsx")
    assert [str(e) for e in caught.value.errors] == [
        "staff.xlsx, sheet officers, row 4, column fte, value '2': "
        "fte '2' is out of range: it must be more than 0 and at most 1"
    ]


def test_an_absence_overlapping_one_in_the_database_is_an_error(org):
    before = database_state()
    # PO-BEN is away 2026-07-06 to 2026-07-17 in the fixture.
    error = only_error(tables={"absences": [{"officer": "PO-BEN", "kind": "sick", "start": "2026-07-17", "end": "2026-07-20"}]})
    assert (error.file, error.row, error.column, error.value) == ("absences.csv", 2, "start", "2026-07-17")
    assert "overlaps the absence of PO-BEN from 2026-07-06 to 2026-07-17 (in the database)" in error.message
    assert database_state() == before


def test_two_overlapping_absences_in_one_file_are_an_error(org):
    error = only_error(tables={"absences": [
        {"officer": "PO-ANA", "kind": "annual", "start": "2026-08-03", "end": "2026-08-28"},
        {"officer": "PO-ANA", "kind": "training", "start": "2026-08-10", "end": "2026-08-11"},
    ]})
    assert (error.row, error.value) == (3, "2026-08-10")
    assert "from 2026-08-03 to 2026-08-28 (row 2)" in error.message


def test_changing_an_absence_so_it_no_longer_overlaps_is_accepted(org):
    # Same key (officer + start) as the fixture's absence: an update, not a second absence.
    import_tables(tables={"absences": [{"officer": "PO-BEN", "kind": "annual", "start": "2026-07-06", "end": "2026-07-10"},
                                       {"officer": "PO-BEN", "kind": "sick", "start": "2026-07-13", "end": "2026-07-14"}]})
    assert Absence.objects.filter(officer__code="PO-BEN").count() == 2


def test_a_site_outside_the_scope_is_refused(org):
    before = database_state()
    errors = rejected(
        tables={"cases": [{**CASE, "ref": "C-MTL-9", "site": "MTL", "officer": "PO-ELO"}], "sites": [SITE]},
        allowed_site_codes={"OTT"},
    ).errors
    assert [str(e) for e in errors] == [
        "sites.csv, row 2, column code, value 'SUD': site SUD is outside your scope",
        "cases.csv, row 2, column site, value 'MTL': site MTL is outside your scope",
    ]
    assert database_state() == before


def test_moving_a_case_in_from_a_site_outside_the_scope_is_refused(org):
    error = only_error(tables={"cases": [{**CASE, "ref": "C-KIN-1", "site": "OTT", "officer": ""}]},
                       allowed_site_codes={"OTT"})
    assert (error.column, error.value) == ("ref", "C-KIN-1")
    assert error.message == "case C-KIN-1 is outside your scope"  # not where it is


def test_an_officer_or_absence_outside_the_scope_is_refused(org):
    errors = rejected(tables={
        "officers": [{**OFFICER, "code": "PO-KIM", "site": "KIN"}],
        "absences": [{**ABSENCE, "officer": "PO-KIM"}],
    }, allowed_site_codes={"OTT"}).errors
    assert [(e.file, e.column, e.message) for e in errors] == [
        ("officers.csv", "code", "officer PO-KIM is outside your scope"),
        ("absences.csv", "officer", "officer PO-KIM is unknown or outside your scope"),
    ]


def test_regions_may_be_changed_only_by_a_national_import(org):
    error = only_error(tables={"regions": [{"code": "NOR", "name": "North", "name_fr": "Nord"}]},
                       allowed_site_codes={"OTT"})
    assert (error.file, error.row, error.column, error.value) == ("regions.csv", 2, "code", "NOR")
    assert "only a national import may create or change regions" in error.message


def test_a_site_whose_kind_change_would_break_its_cases_is_refused(org):
    error = only_error(tables={"sites": [{**SITE, "code": "KIN", "name": "Kingston", "kind": "institution",
                                          "security_levels": "medium"}]})
    assert (error.row, error.column) == (2, "kind")
    assert "1 case at this site would no longer fit the site, e.g. C-KIN-1" in error.message


def test_an_officer_moving_away_from_their_cases_is_refused(org):
    error = only_error(tables={"officers": [{**OFFICER, "code": "PO-BEN", "name": "Ben Clark", "fte": "0.8"} | {"site": "MTL"}]})
    assert (error.column, error.value) == ("site", "MTL")
    assert "would move to MTL but still has 1 case at OTT, e.g. C-OTT-3" in error.message


def test_moving_an_officer_with_their_cases_in_the_same_import_is_accepted(org):
    import_tables(tables={
        "officers": [{**OFFICER, "code": "PO-BEN", "name": "Ben Clark", "fte": "0.8", "site": "MTL"}],
        "cases": [{**CASE, "ref": "C-OTT-3", "site": "MTL", "officer": "PO-BEN", "supervision_level": "C"}],
    })
    assert Case.objects.get(ref="C-OTT-3").officer.site.code == "MTL"


def test_all_errors_are_collected_not_only_the_first(org):
    errors = rejected(tables={
        "sites": [{**SITE, "region": "XYZ"}],
        "officers": [{**OFFICER, "fte": "2"}, {**OFFICER, "code": "PO-TWO", "role": "boss"}],
        "cases": [{**CASE, "opened": "yesterday"}],
    }).errors
    assert [(e.file, e.row, e.column) for e in errors] == [
        ("sites.csv", 2, "region"),
        ("officers.csv", 2, "fte"),
        ("officers.csv", 3, "role"),
        ("cases.csv", 2, "opened"),
    ]


def test_a_row_pointing_at_a_bad_row_of_the_same_import_gets_no_second_error(org):
    errors = rejected(tables={
        "officers": [{**OFFICER, "fte": "2"}],
        "cases": [{**CASE, "officer": "PO-NEW"}],
    }).errors
    assert [(e.file, e.column) for e in errors] == [("officers.csv", "fte")]


def test_the_error_list_is_capped_with_a_count_of_the_rest(org):
    rows = [{**OFFICER, "code": f"PO-{n}", "fte": "2"} for n in range(250)]
    caught = rejected(tables={"officers": rows})
    assert len(caught.errors) == import_report.MAX_ERRORS == 200
    assert caught.omitted == 50 and caught.count == 250
    assert caught.lines()[-1] == "… and 50 more errors"


def test_a_nul_character_is_refused_before_the_database_sees_it(org):
    error = only_error(tables={"officers": [{**OFFICER, "name": "Nadia\x00Roy"}]})
    assert (error.column, error.message) == ("name", "contains a NUL character")


def test_an_error_is_told_in_french_to_a_french_reader(org):
    from django.utils import translation

    with translation.override("fr"):
        error = rejected(tables={"officers": [{**OFFICER, "fte": "2"}]}).errors[0]
        message = str(error).replace("\u00a0", " ")  # French typography: no-break spaces
    assert message.startswith("officers.csv, ligne 2, colonne fte, valeur « 2 » : ")
    assert "la valeur fte '2' est hors limites" in message
