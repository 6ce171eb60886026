"""Moves between sites and regions: one rule each, the same by every way in (import, admin, shell).

A site changes region only by a national analyst (accounts.scope.can_move_sites_between_regions).
An officer changes site only once they carry no case at their old site: their own cases, open or
closed, and the cases they cover during an absence not over yet (organisation.models).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from caseweight.accounts import scope
from caseweight.audit.models import AuditEntry
from caseweight.distribution.models import Cover
from caseweight.imports.services import ImportRejected, import_tables
from caseweight.organisation.models import Absence, Officer, Site

SITES = "code,name,region,kind,security_levels,languages\r\n"
OTT_IN_QUEBEC = SITES + "OTT,Ottawa Parole Office,QUE,parole_office,,en;fr\r\n"
SITE_MOVE_REFUSED = "only a national analyst may move a site to another region"
ANA_TO_KIN_REFUSED = "officer PO-ANA would move to KIN but still has 2 cases at OTT, e.g. C-OTT-1"


def upload(client, name: str, text: str):
    return client.post(reverse("import_upload"), {"files": [SimpleUploadedFile(name, text.encode(), "text/csv")]})


def site_form(site: Site, **changes) -> dict:
    return {"code": site.code, "name": site.name, "region": site.region_id, "kind": site.kind,
            "security_levels": site.security_levels, "languages": site.languages, "_save": "Save", **changes}


def officer_form(officer: Officer, **changes) -> dict:
    return {"code": officer.code, "name": officer.name, "site": officer.site_id, "role": officer.role,
            "fte": str(officer.fte), "languages": officer.languages, "specialisations": officer.specialisations,
            "_save": "Save", **changes}


def post_change(client, record, data: dict):
    """Post the admin's change form of a site or an officer."""
    return client.post(reverse(f"admin:organisation_{record._meta.model_name}_change", args=[record.pk]), data)


def field_errors(html: str, field: str) -> str:
    """The error list Django's admin renders for one field of the form."""
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error on {field}"
    return html.split(marker)[1].split("</ul>")[0]


@pytest.fixture
def idle_officer(org):
    """An Ottawa officer who carries no case."""
    return Officer.objects.create(code="PO-IDA", name="Ida Moreau", site=org["sites"]["OTT"], languages="en")


# --- A site's region --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "regional_manager"])
def test_a_scoped_import_cannot_move_a_site_into_another_region(client_as, org, role):
    audit_entries = AuditEntry.objects.count()
    response = upload(client_as(role), "sites.csv", OTT_IN_QUEBEC)
    assert response.status_code == 200
    assert f"sites.csv, row 2, column region, value &#x27;QUE&#x27;: {SITE_MOVE_REFUSED}" in response.content.decode()
    assert Site.objects.get(code="OTT").region.code == "ONT"
    assert AuditEntry.objects.count() == audit_entries


def test_a_national_analyst_moves_a_site_into_another_region_by_import(client_as, org):
    upload(client_as("national_analyst"), "sites.csv", OTT_IN_QUEBEC)
    assert Site.objects.get(code="OTT").region.code == "QUE"


@pytest.mark.parametrize("role", ["supervisor", "regional_manager"])
def test_the_admin_refuses_a_site_move_into_another_region_in_the_rules_words(client_as, org, role):
    ott = org["sites"]["OTT"]
    response = post_change(client_as(role), ott, site_form(ott, region=org["regions"]["QUE"].pk))
    assert response.status_code == 200
    assert SITE_MOVE_REFUSED in field_errors(response.content.decode(), "region")
    assert Site.objects.get(pk=ott.pk).region.code == "ONT"


def test_the_admin_offers_a_regional_manager_only_the_sites_own_region(client_as, org):
    ott = org["sites"]["OTT"]
    html = client_as("regional_manager").get(reverse("admin:organisation_site_change", args=[ott.pk])).content.decode()
    region_select = html.split('name="region"')[1].split("</select>")[0]
    assert "Ontario" in region_select and "Quebec" not in region_select


def test_a_national_analyst_moves_a_site_into_another_region_in_the_admin(client_as, org):
    ott = org["sites"]["OTT"]
    response = post_change(client_as("national_analyst"), ott, site_form(ott, region=org["regions"]["QUE"].pk))
    assert response.status_code == 302
    assert Site.objects.get(pk=ott.pk).region.code == "QUE"


@pytest.mark.parametrize("role, may", [("national_analyst", True), ("regional_manager", False),
                                       ("supervisor", False), ("officer", False), ("union_analyst", False)])
def test_only_a_national_analyst_may_move_sites_between_regions(users, role, may):
    assert scope.can_move_sites_between_regions(users[role]) is may
    # The importer refuses the move in every scoped import: it must be the same roles.
    assert (scope.import_site_codes(users[role]) is None) is may


# --- An officer's site ------------------------------------------------------------------------


def test_the_admin_refuses_to_move_an_officer_away_from_their_cases_with_a_form_error(client_as, org):
    ana = org["officers"]["PO-ANA"]
    response = post_change(client_as("regional_manager"), ana, officer_form(ana, site=org["sites"]["KIN"].pk))
    assert response.status_code == 200
    assert ANA_TO_KIN_REFUSED in field_errors(response.content.decode(), "site")
    assert Officer.objects.get(pk=ana.pk).site.code == "OTT"


def test_a_supervisor_cannot_move_an_officer_to_another_site_in_the_admin(client_as, org):
    """A supervisor has one site: the form offers no other, so the move is refused as a choice."""
    ana = org["officers"]["PO-ANA"]
    response = post_change(client_as("supervisor"), ana, officer_form(ana, site=org["sites"]["KIN"].pk))
    assert response.status_code == 200
    assert "Select a valid choice" in field_errors(response.content.decode(), "site")
    assert Officer.objects.get(pk=ana.pk).site.code == "OTT"


def test_the_shell_cannot_move_an_officer_away_from_their_cases(org):
    ana = Officer.objects.get(code="PO-ANA")
    ana.site = Site.objects.get(code="KIN")
    with pytest.raises(ValidationError) as refused:
        ana.save()
    assert refused.value.message_dict == {"site": [ANA_TO_KIN_REFUSED]}
    assert Officer.objects.get(code="PO-ANA").site.code == "OTT"


def test_the_import_refuses_the_move_in_the_same_words_and_writes_nothing(org):
    row = {"code": "PO-ANA", "name": "Ana Tremblay", "site": "KIN", "role": "po", "fte": "1", "languages": "en;fr",
           "specialisations": "indigenous"}
    with pytest.raises(ImportRejected) as refused:
        import_tables(tables={"officers": [row]})
    assert [error.message for error in refused.value.errors] == [ANA_TO_KIN_REFUSED]
    assert Officer.objects.get(code="PO-ANA").site.code == "OTT"


def test_closed_cases_hold_an_officer_at_their_site_too(org):
    """A closed case keeps its officer, and a case's officer works at the case's site."""
    ben = Officer.objects.get(code="PO-BEN")
    ben.cases.update(closed=dt.date(2025, 6, 30))
    ben.site = Site.objects.get(code="MTL")
    with pytest.raises(ValidationError, match="still has 1 case at OTT, e.g. C-OTT-3"):
        ben.save()


def test_a_cover_in_force_holds_an_officer_at_their_site(org, idle_officer):
    today = timezone.localdate()
    ben = org["officers"]["PO-BEN"]
    absence = Absence.objects.create(officer=ben, kind="sick", start=today, end=today + dt.timedelta(days=7))
    Cover.objects.create(case=org["cases"]["C-OTT-3"], officer=idle_officer, absence=absence)
    idle_officer.site = org["sites"]["KIN"]
    with pytest.raises(ValidationError, match="still has 1 case at OTT, e.g. C-OTT-3"):
        idle_officer.save()
    row = {"code": "PO-IDA", "name": "Ida Moreau", "site": "KIN", "role": "po", "fte": "1", "languages": "en"}
    with pytest.raises(ImportRejected, match="still has 1 case at OTT, e.g. C-OTT-3"):
        import_tables(tables={"officers": [row]})


def test_a_cover_of_an_absence_that_is_over_holds_nobody(org, idle_officer):
    ben = org["officers"]["PO-BEN"]
    over = timezone.localdate() - dt.timedelta(days=1)
    absence = Absence.objects.create(officer=ben, kind="sick", start=over - dt.timedelta(days=3), end=over)
    Cover.objects.create(case=org["cases"]["C-OTT-3"], officer=idle_officer, absence=absence)
    idle_officer.site = org["sites"]["KIN"]
    idle_officer.save()
    assert Officer.objects.get(pk=idle_officer.pk).site.code == "KIN"


def test_a_national_analyst_moves_an_officer_without_cases_in_the_admin(client_as, org, idle_officer):
    response = post_change(client_as("national_analyst"), idle_officer,
                           officer_form(idle_officer, site=org["sites"]["MTL"].pk))
    assert response.status_code == 302
    assert Officer.objects.get(pk=idle_officer.pk).site.code == "MTL"


def test_other_changes_to_an_officer_with_cases_are_saved(org):
    ana = Officer.objects.get(code="PO-ANA")
    ana.name = "Ana Tremblay-Roy"
    ana.save()
    assert Officer.objects.get(code="PO-ANA").name == "Ana Tremblay-Roy"
