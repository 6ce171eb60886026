"""The upload page: who may use it, what it shows after an import, a dry run or a rejection."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caseweight.audit.models import AuditEntry
from caseweight.cases.models import Case
from caseweight.organisation.models import Officer

OFFICERS = "code,name,site,role,fte,languages,specialisations\r\n"
CASES = "ref,site,security_level,supervision_level,language,factors,officer,opened,closed\r\n"


def csv_file(name: str, text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def signed_in(client, users, role: str):
    client.force_login(users[role])
    return client


def test_the_upload_page_offers_the_form_and_the_templates(client, users):
    response = signed_in(client, users, "supervisor").get(reverse("import_upload"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file" name="files"' in html and "multiple" in html and 'name="dry_run"' in html
    assert reverse("import_template", args=["cases"]) in html
    assert reverse("import_template_xlsx") in html


@pytest.mark.parametrize("role", ["officer", "union_analyst"])
def test_officers_and_union_analysts_may_not_import(client, users, role):
    client = signed_in(client, users, role)
    assert client.get(reverse("import_upload")).status_code == 403
    response = client.post(reverse("import_upload"), {"files": [csv_file("officers.csv", OFFICERS)]})
    assert response.status_code == 403


def test_the_upload_page_needs_a_signed_in_user(client, org):
    response = client.get(reverse("import_upload"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_uploading_several_csv_files_imports_them_and_shows_the_counts(client, users):
    response = signed_in(client, users, "national_analyst").post(reverse("import_upload"), {"files": [
        csv_file("officers.csv", OFFICERS + "PO-NEW,Frédérique Côté,OTT,po,0.5,fr,\r\n", "cp1252"),
        csv_file("cases.csv", CASES + "C-NEW,OTT,,B,fr,,PO-NEW,2025-02-01,\r\n"),
    ]})
    assert response.status_code == 200
    assert Officer.objects.get(code="PO-NEW").name == "Frédérique Côté"
    assert Case.objects.get(ref="C-NEW").officer.code == "PO-NEW"
    assert [r for r in response.context["report"].tables if r[0] == "cases"][0][1].created == 1
    html = response.content.decode()
    assert "Import done" in html and 'class="import-report"' in html
    entry = AuditEntry.objects.get(entity_key="C-NEW")
    assert (entry.actor_label, entry.source, entry.actor_id) == ("analyst", "import", users["national_analyst"].pk)


def test_uploading_a_workbook_imports_its_sheets(client, users):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "officers"
    sheet.append(OFFICERS.strip().split(","))
    sheet.append(["PO-NEW", "Nadia Roy", "OTT", "po", 0.5, "fr", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("my data.xlsx", buffer.getvalue())
    response = signed_in(client, users, "supervisor").post(reverse("import_upload"), {"files": [upload]})
    assert response.status_code == 200 and "Import done" in response.content.decode()
    assert Officer.objects.get(code="PO-NEW").site.code == "OTT"


def test_a_dry_run_shows_the_counts_and_writes_nothing(client, users):
    response = signed_in(client, users, "supervisor").post(reverse("import_upload"), {
        "files": [csv_file("officers.csv", OFFICERS + "PO-NEW,Nadia Roy,OTT,po,0.5,fr,\r\n")],
        "dry_run": "on",
    })
    html = response.content.decode()
    assert "Dry run: nothing was written" in html and "To create" in html
    assert not Officer.objects.filter(code="PO-NEW").exists()


def test_a_rejected_upload_lists_every_error_and_writes_nothing(client, users):
    response = signed_in(client, users, "supervisor").post(reverse("import_upload"), {"files": [
        csv_file("officers.csv", OFFICERS + "PO-NEW,Nadia Roy,OTT,po,1.5,fr,\r\nPO-TWO,Tom,XYZ,po,1,en,\r\n"),
        csv_file("staff.csv", "code\r\nX\r\n"),
    ]})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<ul class="errors">' in html
    errors = html.split('<ul class="errors">')[1].split("</ul>")[0]
    assert errors.count("<li>") == 3
    assert "officers.csv, row 2, column fte, value &#x27;1.5&#x27;: fte &#x27;1.5&#x27; is out of range" in errors
    assert "officers.csv, row 3, column site, value &#x27;XYZ&#x27;: unknown site" in errors
    assert "staff.csv: unknown table" in errors
    assert not Officer.objects.filter(code__in=["PO-NEW", "PO-TWO"]).exists()


def test_a_supervisor_may_not_import_rows_of_another_site(client, users):
    response = signed_in(client, users, "supervisor").post(reverse("import_upload"), {"files": [
        csv_file("officers.csv", OFFICERS + "PO-NEW,Nadia Roy,KIN,po,1,en,\r\n"),
    ]})
    assert "site KIN is outside your scope" in response.content.decode()
    assert not Officer.objects.filter(code="PO-NEW").exists()


def test_a_regional_manager_may_import_into_any_site_of_their_region_but_not_beyond(client, users):
    client = signed_in(client, users, "regional_manager")
    client.post(reverse("import_upload"), {"files": [csv_file("officers.csv", OFFICERS + "PO-NEW,Nadia Roy,KIN,po,1,en,\r\n")]})
    assert Officer.objects.get(code="PO-NEW").site.code == "KIN"
    response = client.post(reverse("import_upload"), {"files": [
        csv_file("officers.csv", OFFICERS + "PO-QC,Luc Roy,MTL,po,1,fr,\r\n")]})
    assert "site MTL is outside your scope" in response.content.decode()


def test_posting_without_a_file_asks_for_one(client, users):
    response = signed_in(client, users, "supervisor").post(reverse("import_upload"), {})
    assert response.status_code == 200
    assert '<ul class="errors"><li>Choose one XLSX workbook or one or more CSV files.</li></ul>' in response.content.decode()


def test_a_long_error_list_is_capped_with_a_count_of_the_rest(client, users):
    rows = "".join(f"PO-{n},Name,OTT,po,2,en,\r\n" for n in range(230))
    response = signed_in(client, users, "supervisor").post(reverse("import_upload"), {
        "files": [csv_file("officers.csv", OFFICERS + rows)]})
    html = response.content.decode()
    assert "Nothing was imported: 230 errors" in html
    errors = html.split('<ul class="errors">')[1].split("</ul>")[0]
    assert errors.count("<li>") == 201 and "<li>… and 30 more errors</li>" in errors
