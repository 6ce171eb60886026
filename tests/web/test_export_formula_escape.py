"""No file a user opens in a spreadsheet holds a formula: text beginning with =, +, -, @, a tab or a
carriage return is written behind a single quote (OWASP's rule), in the data export (CSV folder, zip,
workbook, `caseweight export`) and the staffing downloads (page and `caseweight staffing`);
`caseweight export --raw` writes the text as stored. Numbers are not text and are never escaped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from caseweight.cases.models import Case
from caseweight.imports.cells import FORMULA_STARTS
from caseweight.imports.export import export_path
from caseweight.imports.services import import_path
from caseweight.organisation.models import Officer, Region, Site

# One text per trigger character, each a payload a spreadsheet would run.
PAYLOADS = [start + "HYPERLINK(\"http://evil.example\",\"x\")" for start in FORMULA_STARTS]
# The importer trims every cell, so text beginning with a tab or a carriage return cannot come back
# whole from any file, escaped or not: the round trip is of the other four.
ROUND_TRIP = [payload for payload in PAYLOADS if not payload[0].isspace()]


@pytest.fixture
def formula_rows(org):
    """For each trigger: a site named with it, an officer named with it and a case whose reference starts with it."""
    ont = Region.objects.get(code="ONT")
    for i, payload in enumerate(PAYLOADS):
        site = Site.objects.create(code=f"F{i}", name=payload, region=ont, kind="parole_office", languages="en")
        officer = Officer.objects.create(code=f"PO-F{i}", name=payload, site=site, role="po", fte=Decimal("1"), languages="en")
        Case.objects.create(ref=payload, site=site, supervision_level="B", language="en", officer=officer,
                            opened=dt.date(2025, 1, 15))
    return org


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def formula_values(rows: list[dict], column: str) -> list[str]:
    """The column's cells that hold a payload, escaped or not, in payload order."""
    cells = {row[column].lstrip("'"): row[column] for row in rows}
    return [cells[payload] for payload in PAYLOADS]


def escaped_payloads() -> list[str]:
    return ["'" + payload for payload in PAYLOADS]


def workbook_sheets(data: bytes) -> dict[str, list[dict]]:
    """Each sheet's rows; fails if any cell is a formula. XML reads a carriage return as a line
    feed: text is given back with its carriage returns, to compare with what was written."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in book.worksheets:
        formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
        assert formulas == [], f"sheet {sheet.title} holds formulas"
        rows = [[text_of(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        sheets[sheet.title] = [dict(zip(rows[0], row)) for row in rows[1:]] if rows else []
    return sheets


def text_of(value):
    return value.replace("\n", "\r") if isinstance(value, str) else value


# --- the data export ------------------------------------------------------------------------------------


def test_the_csv_export_escapes_site_and_officer_names_and_case_references(formula_rows, tmp_path):
    export_path(path=tmp_path)
    assert formula_values(csv_rows((tmp_path / "sites.csv").read_bytes()), "name") == escaped_payloads()
    assert formula_values(csv_rows((tmp_path / "officers.csv").read_bytes()), "name") == escaped_payloads()
    assert formula_values(csv_rows((tmp_path / "cases.csv").read_bytes()), "ref") == escaped_payloads()


def test_the_csv_export_leaves_other_text_as_it_is(formula_rows, tmp_path):
    export_path(path=tmp_path)
    sites = {row["code"]: row for row in csv_rows((tmp_path / "sites.csv").read_bytes())}
    assert sites["OTT"]["name"] == "Ottawa Parole Office" and sites["KIN"]["security_levels"] == "medium;maximum"
    officers = {row["code"]: row for row in csv_rows((tmp_path / "officers.csv").read_bytes())}
    assert officers["PO-BEN"]["fte"] == "0.800"


def test_the_zip_download_escapes_every_csv_file(client_as, formula_rows):
    response = client_as("national_analyst").get(reverse("export_zip"))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert formula_values(csv_rows(archive.read("sites.csv")), "name") == escaped_payloads()
        assert formula_values(csv_rows(archive.read("officers.csv")), "name") == escaped_payloads()
        assert formula_values(csv_rows(archive.read("cases.csv")), "ref") == escaped_payloads()


def test_the_workbook_download_escapes_text_and_holds_no_formula(client_as, formula_rows):
    sheets = workbook_sheets(client_as("national_analyst").get(reverse("export_xlsx")).content)
    for table, column in (("sites", "name"), ("officers", "name"), ("cases", "ref")):
        assert formula_values(sheets[table], column) == escaped_payloads()


def test_the_workbook_keeps_numbers_and_dates_as_numbers_and_dates(client_as, formula_rows):
    sheets = workbook_sheets(client_as("national_analyst").get(reverse("export_xlsx")).content)
    ben = next(row for row in sheets["officers"] if row["code"] == "PO-BEN")
    assert ben["fte"] == 0.8
    assert {row["opened"] for row in sheets["cases"]} == {dt.datetime(2025, 1, 15)}


def test_the_export_command_escapes_by_default_and_raw_writes_the_text_as_stored(formula_rows, tmp_path):
    call_command("export", str(tmp_path / "escaped"), stdout=io.StringIO())
    call_command("export", str(tmp_path / "raw"), "--raw", stdout=io.StringIO())
    assert formula_values(csv_rows((tmp_path / "escaped" / "cases.csv").read_bytes()), "ref") == escaped_payloads()
    assert formula_values(csv_rows((tmp_path / "raw" / "cases.csv").read_bytes()), "ref") == PAYLOADS
    assert formula_values(csv_rows((tmp_path / "raw" / "sites.csv").read_bytes()), "name") == PAYLOADS


def test_a_raw_workbook_holds_the_text_as_stored_and_still_no_formula(formula_rows, tmp_path):
    call_command("export", str(tmp_path / "raw.xlsx"), "--raw", stdout=io.StringIO())
    sheets = workbook_sheets((tmp_path / "raw.xlsx").read_bytes())
    assert formula_values(sheets["officers"], "name") == PAYLOADS


@pytest.mark.parametrize("target", ["folder", "data.xlsx"])
@pytest.mark.parametrize("raw", [False, True])
def test_an_escaped_or_raw_export_imports_back_every_payload_unchanged(formula_rows, tmp_path, target, raw):
    Case.objects.exclude(ref__in=ROUND_TRIP).filter(site__code__startswith="F").delete()
    export_path(path=tmp_path / target, raw=raw)
    Case.objects.filter(ref__in=ROUND_TRIP).delete()
    Officer.objects.filter(code__startswith="PO-F").update(name="renamed")

    import_path(path=tmp_path / target)

    assert set(Case.objects.filter(site__code__startswith="F").values_list("ref", flat=True)) == set(ROUND_TRIP)
    names = dict(Officer.objects.filter(code__startswith="PO-F").values_list("code", "name"))
    assert [names[f"PO-F{i}"] for i, payload in enumerate(PAYLOADS) if payload in ROUND_TRIP] == ROUND_TRIP


def test_text_already_behind_quotes_comes_back_with_its_quotes(org, tmp_path):
    ben = Officer.objects.get(code="PO-BEN")
    ben.name = "'=already quoted"
    ben.save()
    export_path(path=tmp_path)
    assert {row["code"]: row["name"] for row in csv_rows((tmp_path / "officers.csv").read_bytes())}["PO-BEN"] == (
        "''=already quoted"
    )
    ben.name = "Ben Clark"
    ben.save()
    import_path(path=tmp_path)
    assert Officer.objects.get(code="PO-BEN").name == "'=already quoted"


# --- the staffing downloads -------------------------------------------------------------------------------


@pytest.fixture
def formula_policy(settings):
    """A user's policy whose title is a formula."""
    settings.POLICIES_DIR.mkdir()
    (settings.POLICIES_DIR / "evil.toml").write_text(
        'extends = "csc-current"\nversion = "1"\ntitle_en = "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"\n',
        encoding="utf-8",
    )
    return "evil"


@pytest.fixture
def formula_sites(org):
    """Sites whose codes start with each trigger (KIN, over-staffed, gives a negative gap)."""
    ont = Region.objects.get(code="ONT")
    for i, start in enumerate(FORMULA_STARTS):
        Site.objects.create(code=f"{start}S{i}", name=f"Site {i}", region=ont, kind="parole_office", languages="en")
    return [f"{start}S{i}" for i, start in enumerate(FORMULA_STARTS)]


def test_the_staffing_workbook_download_escapes_the_policy_title_and_site_codes(client_as, formula_policy, formula_sites):
    response = client_as("national_analyst").get(reverse("staffing_dashboard") + f"?policy={formula_policy}&format=xlsx")
    sheets = workbook_sheets(response.content)
    policy = {row["key"]: row["value"] for row in sheets["policy"]}
    assert policy["title_en"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    codes = {row["site"] for row in sheets["sites"]}
    assert {"'" + code for code in formula_sites} <= codes and "KIN" in codes


def test_the_staffing_workbook_writes_a_negative_gap_as_a_number(client_as, formula_sites):
    sheets = workbook_sheets(client_as("national_analyst").get(reverse("staffing_dashboard") + "?format=xlsx").content)
    kin = next(row for row in sheets["sites"] if row["site"] == "KIN")
    # csc-current: 1/28 + 1/30 FTE for KIN's two cases, against Kim's 1.0 FTE.
    assert kin["ratio_gap_fte"] == pytest.approx(1 / 28 + 1 / 30 - 1)


def test_the_staffing_command_escapes_csv_text_and_not_numbers(formula_policy, formula_sites):
    out = io.StringIO()
    call_command("staffing", "--policy", formula_policy, "--format", "csv", stdout=out)
    rows = {row["site"]: row for row in csv.DictReader(io.StringIO(out.getvalue(), newline=""))}
    assert {"'" + code for code in formula_sites} <= set(rows)
    assert rows["KIN"]["ratio_gap_fte"].startswith("-") and float(rows["KIN"]["ratio_gap_fte"]) == pytest.approx(
        1 / 28 + 1 / 30 - 1
    )


def test_the_staffing_command_workbook_escapes_the_policy_title(formula_policy, formula_sites, tmp_path):
    call_command("staffing", "--policy", formula_policy, "--format", "xlsx", "--output", str(tmp_path / "s.xlsx"),
                 stdout=io.StringIO())
    sheets = workbook_sheets((tmp_path / "s.xlsx").read_bytes())
    assert {row["key"]: row["value"] for row in sheets["policy"]}["title_en"].startswith("'=HYPERLINK(")
    kin = next(row for row in sheets["sites"] if row["site"] == "KIN")
    assert isinstance(kin["ratio_gap_fte"], float) and kin["ratio_gap_fte"] < 0
