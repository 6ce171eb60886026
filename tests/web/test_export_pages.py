"""The export page and downloads per role, and the blank templates."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def signed_in(client, users, role: str):
    client.force_login(users[role])
    return client


def workbook_of(response) -> openpyxl.Workbook:
    assert response["Content-Type"] == XLSX_TYPE
    return openpyxl.load_workbook(io.BytesIO(response.content))


def first_column(workbook, sheet: str) -> list:
    return [row[0] for row in workbook[sheet].iter_rows(min_row=2, values_only=True)]


def zip_tables(response) -> dict[str, list[list[str]]]:
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {
            name.removesuffix(".csv"): list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()
        }


@pytest.mark.parametrize("role, tables", [
    ("supervisor", ["regions", "sites", "officers", "cases", "absences"]),
    ("regional_manager", ["regions", "sites", "officers", "cases", "absences"]),
    ("national_analyst", ["regions", "sites", "officers", "cases", "absences"]),
    ("union_analyst", ["regions", "sites"]),
])
def test_the_export_page_offers_the_tables_the_role_may_export(client, users, role, tables):
    response = signed_in(client, users, role).get(reverse("export"))
    assert response.status_code == 200
    assert [t.name for t in response.context["tables"]] == tables
    html = response.content.decode()
    assert reverse("export_xlsx") in html and reverse("export_zip") in html


def test_an_officer_may_not_export(client, users):
    client = signed_in(client, users, "officer")
    assert client.get(reverse("export")).status_code == 403
    assert client.get(reverse("export_xlsx")).status_code == 403
    assert client.get(reverse("export_zip")).status_code == 403


def test_exports_need_a_signed_in_user(client, org):
    assert client.get(reverse("export_xlsx")).status_code == 302


def test_a_national_analyst_downloads_every_row_as_a_workbook(client, users):
    response = signed_in(client, users, "national_analyst").get(reverse("export_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="caseweight-export-')
    workbook = workbook_of(response)
    assert workbook.sheetnames == ["regions", "sites", "officers", "cases", "absences", "README"]
    assert first_column(workbook, "regions") == ["ATL", "ONT", "PAC", "PRA", "QUE"]
    assert first_column(workbook, "cases") == ["C-KIN-1", "C-KIN-2", "C-MTL-1", "C-OTT-1", "C-OTT-2", "C-OTT-3"]


def test_a_supervisor_downloads_only_the_rows_of_their_site(client, users):
    tables = zip_tables(signed_in(client, users, "supervisor").get(reverse("export_zip")))
    assert sorted(tables) == ["absences", "cases", "officers", "regions", "sites"]
    assert [row[0] for row in tables["regions"][1:]] == ["ONT"]
    assert [row[0] for row in tables["sites"][1:]] == ["OTT"]
    assert [row[0] for row in tables["officers"][1:]] == ["PO-ANA", "PO-BEN"]
    assert [row[0] for row in tables["cases"][1:]] == ["C-OTT-1", "C-OTT-2", "C-OTT-3"]
    assert tables["absences"][1:] == [["PO-BEN", "annual", "2026-07-06", "2026-07-17"]]


def test_a_regional_manager_downloads_the_rows_of_their_region(client, users):
    workbook = workbook_of(signed_in(client, users, "regional_manager").get(reverse("export_xlsx")))
    assert first_column(workbook, "sites") == ["KIN", "OTT"]
    assert first_column(workbook, "officers") == ["PO-ANA", "PO-BEN", "PO-KIM"]


def test_a_union_analyst_gets_regions_and_sites_only(client, users):
    client = signed_in(client, users, "union_analyst")
    workbook = workbook_of(client.get(reverse("export_xlsx")))
    assert workbook.sheetnames == ["regions", "sites", "README"]
    assert first_column(workbook, "sites") == ["KIN", "MTL", "OTT"]
    assert sorted(zip_tables(client.get(reverse("export_zip")))) == ["regions", "sites"]


@pytest.mark.parametrize("table", ["cases", "officers", "absences"])
def test_a_union_analyst_asking_for_case_or_officer_rows_is_refused(client, users, table):
    client = signed_in(client, users, "union_analyst")
    assert client.get(reverse("export_xlsx"), {"tables": ["sites", table]}).status_code == 403
    assert client.get(reverse("export_zip"), {"tables": [table]}).status_code == 403


def test_some_tables_may_be_chosen(client, users):
    response = signed_in(client, users, "national_analyst").get(reverse("export_zip"), {"tables": ["cases", "sites"]})
    assert sorted(zip_tables(response)) == ["cases", "sites"]


@pytest.mark.parametrize("table, header", [
    ("regions", ["code", "name", "name_fr"]),
    ("cases", ["ref", "site", "security_level", "supervision_level", "language", "factors", "officer", "opened", "closed"]),
    ("absences", ["officer", "kind", "start", "end"]),
])
def test_a_blank_csv_template_holds_the_header_row_only(client, users, table, header):
    response = signed_in(client, users, "officer").get(reverse("import_template", args=[table]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{table}.csv"'
    assert response.content == ("\ufeff" + ",".join(header) + "\r\n").encode("utf-8")


def test_an_unknown_template_is_not_found(client, users):
    assert signed_in(client, users, "supervisor").get("/data/templates/staff.csv").status_code == 404


def test_the_blank_workbook_has_a_sheet_per_table_and_a_readme(client, users):
    response = signed_in(client, users, "supervisor").get(reverse("import_template_xlsx"))
    workbook = workbook_of(response)
    assert workbook.sheetnames == ["regions", "sites", "officers", "cases", "absences", "README"]
    assert [c.value for c in workbook["officers"][1]] == ["code", "name", "site", "role", "fte", "languages", "specialisations"]
    assert workbook["officers"].max_row == 1
    readme = [row for row in workbook["README"].iter_rows(values_only=True)]
    assert ("", "fte", "yes", "Full-time equivalent: more than 0 and at most 1, e.g. 0.8.") in [
        tuple("" if v is None else v for v in row) for row in readme
    ]


def test_templates_are_at_stable_addresses(org):
    assert reverse("import_template", args=["sites"]) == "/data/templates/sites.csv"
    assert reverse("import_template_xlsx") == "/data/templates/caseweight-template.xlsx"
