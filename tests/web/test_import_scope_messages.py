"""An import's errors never tell a scoped user where a row outside their scope is: not its site,
region, officer nor any of its values. A row naming a record outside the scope is "outside your
scope"; a reference to an officer outside it reads the same as one to no officer at all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from caseweight.audit.models import AuditEntry
from caseweight.cases.models import Case
from caseweight.imports.services import ImportRejected, import_tables

CASES = "ref,site,security_level,supervision_level,language,factors,officer,opened,closed\r\n"
OFFICERS = "code,name,site,role,fte,languages,specialisations\r\n"
ABSENCES = "officer,kind,start,end\r\n"
# What an Ottawa supervisor must never read about the Kingston and Montreal rows.
ELSEWHERE = ("KIN", "Kingston", "MTL", "Montréal", "QUE", "Quebec", "PO-KIM", "Kim Nguyen", "PO-ELO", "Gagné",
             "maximum", "2024-03-04")


@pytest.fixture
def kingston_case(org):
    """A case at Kingston whose reference says nothing of its site."""
    return Case.objects.create(ref="C-0052821", site=org["sites"]["KIN"], security_level="maximum", language="en",
                               officer=org["officers"]["PO-KIM"], opened=dt.date(2024, 3, 4))


def upload(client, *files: tuple[str, str]):
    response = client.post(reverse("import_upload"), {"files": [
        SimpleUploadedFile(name, text.encode(), content_type="text/csv") for name, text in files]})
    assert response.status_code == 200
    return response


def scoped_errors(tables: dict, allowed={"OTT"}) -> list[str]:
    with pytest.raises(ImportRejected) as refused:
        import_tables(tables=tables, allowed_site_codes=allowed)
    return [error.message for error in refused.value.errors]


def test_a_supervisor_reads_nothing_of_other_sites_in_the_errors_of_an_import(client_as, kingston_case):
    audit_entries = AuditEntry.objects.count()
    response = upload(
        client_as("supervisor"),
        ("officers.csv", OFFICERS + "PO-KIM,Kim Nguyen,OTT,po,1,en,\r\n"),
        ("cases.csv", CASES + "C-0052821,OTT,,B,en,,,2025-02-01,\r\nC-NEW,OTT,,B,en,,PO-ELO,2025-02-01,\r\n"),
        ("absences.csv", ABSENCES + "PO-ELO,sick,2026-03-02,2026-03-03\r\n"),
    )
    html = response.content.decode()
    errors = html.split('<ul class="errors">')[1].split("</ul>")[0]
    assert errors.count("<li>") == 4
    # Of the other sites, only the codes the supervisor wrote in their own files come back.
    assert [word for word in ELSEWHERE if word in errors] == ["PO-KIM", "PO-ELO"]
    assert Case.objects.get(ref="C-0052821").site.code == "KIN" and not Case.objects.filter(ref="C-NEW").exists()
    assert AuditEntry.objects.count() == audit_entries


def test_a_case_of_another_site_is_only_said_to_be_outside_the_scope(kingston_case):
    # The level columns left out: the row would start from the stored case's values (an institution's).
    row = {"ref": "C-0052821", "site": "OTT", "language": "en", "opened": "2025-02-01"}
    assert scoped_errors({"cases": [row]}) == ["case C-0052821 is outside your scope"]


def test_an_officer_of_another_site_is_only_said_to_be_outside_the_scope(org):
    row = {"code": "PO-KIM", "name": "Kim Nguyen", "site": "OTT", "role": "po", "fte": "1", "languages": "en"}
    assert scoped_errors({"officers": [row]}) == ["officer PO-KIM is outside your scope"]


@pytest.mark.parametrize("table, row", [
    ("cases", {"ref": "C-NEW", "site": "OTT", "supervision_level": "B", "language": "en", "opened": "2025-02-01"}),
    ("absences", {"kind": "sick", "start": "2026-03-02", "end": "2026-03-03"}),
])
def test_an_officer_elsewhere_reads_the_same_as_no_officer_at_all(org, table, row):
    elsewhere = scoped_errors({table: [{**row, "officer": "PO-KIM"}]})
    nowhere = scoped_errors({table: [{**row, "officer": "PO-XYZ"}]})
    assert elsewhere == ["officer PO-KIM is unknown or outside your scope"]
    assert nowhere == ["officer PO-XYZ is unknown or outside your scope"]


def test_a_regional_manager_gets_the_full_message_about_a_site_of_their_region(org):
    row = {"ref": "C-NEW", "site": "OTT", "supervision_level": "B", "language": "en", "opened": "2025-02-01",
           "officer": "PO-KIM"}
    assert scoped_errors({"cases": [row]}, allowed={"OTT", "KIN"}) == [
        "officer PO-KIM works at site KIN, not at the case's site OTT"]


def test_a_national_analyst_gets_the_full_messages(org):
    rows = [{"ref": f"C-NEW-{officer}", "site": "OTT", "supervision_level": "B", "language": "en",
             "opened": "2025-02-01", "officer": officer} for officer in ("PO-KIM", "PO-XYZ")]
    with pytest.raises(ImportRejected) as refused:
        import_tables(tables={"cases": rows})
    assert [error.message for error in refused.value.errors] == [
        "officer PO-KIM works at site KIN, not at the case's site OTT",
        "unknown officer",
    ]
