"""The admin: search and filters, and every role held to its scope (accounts/admin_scope.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from caseweight.audit.models import AuditEntry
from caseweight.cases.admin import CaseAdmin
from caseweight.cases.models import Case
from caseweight.organisation.models import Officer, Region, Site


def changelist(client, model: str, query: str = "") -> str:
    response = client.get(reverse(f"admin:{model.replace('.', '_')}_changelist") + query)
    assert response.status_code == 200
    return response.content.decode()


def listed(body: str, keys) -> list[str]:
    """Which of `keys` appear as rows of a changelist."""
    return [key for key in keys if f">{key}</a></th>" in body or f">{key} — " in body]


CASE_REFS = ("C-OTT-1", "C-OTT-2", "C-OTT-3", "C-KIN-1", "C-KIN-2", "C-MTL-1")


def case_form(case: Case, **changes) -> dict:
    data = {
        "ref": case.ref,
        "site": case.site_id,
        "security_level": case.security_level,
        "supervision_level": case.supervision_level,
        "language": case.language,
        "factors": case.factors,
        "officer": case.officer_id or "",
        "opened": case.opened.isoformat(),
        "closed": "",
        "_save": "Save",
    }
    return {**data, **changes}


# --- Search and filters ------------------------------------------------------------------------


def test_the_case_list_searches_by_reference(client_as):
    body = changelist(client_as("national_analyst"), "cases.case", "?q=C-OTT-2")
    assert listed(body, CASE_REFS) == ["C-OTT-2"]


def test_the_case_list_searches_by_officer_name(client_as):
    body = changelist(client_as("national_analyst"), "cases.case", "?q=Nguyen")
    assert listed(body, CASE_REFS) == ["C-KIN-1", "C-KIN-2"]


def test_the_case_list_filters_by_site_and_by_level(client_as, org):
    client = client_as("national_analyst")
    by_site = changelist(client, "cases.case", f"?site__id__exact={org['sites']['OTT'].pk}")
    assert listed(by_site, CASE_REFS) == ["C-OTT-1", "C-OTT-2", "C-OTT-3"]
    by_level = changelist(client, "cases.case", "?security_level=maximum")
    assert listed(by_level, CASE_REFS) == ["C-KIN-1"]


def test_the_case_list_separates_open_from_closed_cases(client_as):
    Case.objects.filter(ref="C-MTL-1").update(closed=dt.date(2025, 6, 1))
    client = client_as("national_analyst")
    assert listed(changelist(client, "cases.case", "?status=closed"), CASE_REFS) == ["C-MTL-1"]
    assert "C-MTL-1" not in listed(changelist(client, "cases.case", "?status=open"), CASE_REFS)


def test_the_site_list_filters_by_kind_and_searches_by_name(client_as):
    client = client_as("national_analyst")
    sites = ("KIN", "OTT", "MTL")
    assert listed(changelist(client, "organisation.site", "?kind__exact=institution"), sites) == ["KIN"]
    assert listed(changelist(client, "organisation.site", "?q=Montr"), sites) == ["MTL"]


def test_the_officer_and_absence_lists_search_by_name(client_as):
    client = client_as("national_analyst")
    assert listed(changelist(client, "organisation.officer", "?q=Tremblay"), ("PO-ANA", "PO-BEN")) == ["PO-ANA"]
    assert "Ben Clark" in changelist(client, "organisation.absence", "?q=Clark")
    assert "Ben Clark" not in changelist(client, "organisation.absence", "?kind__exact=sick")


def test_the_account_list_filters_by_role(client_as):
    body = changelist(client_as("national_analyst"), "accounts.user", "?role__exact=supervisor")
    assert ">supervisor</a>" in body and ">union</a>" not in body


# --- Scope -------------------------------------------------------------------------------------


def test_a_supervisor_sees_the_rows_of_their_site_only(client_as):
    client = client_as("supervisor")
    assert listed(changelist(client, "cases.case"), CASE_REFS) == ["C-OTT-1", "C-OTT-2", "C-OTT-3"]
    assert listed(changelist(client, "organisation.officer"), ("PO-ANA", "PO-BEN", "PO-KIM", "PO-ELO")) == ["PO-ANA", "PO-BEN"]
    assert listed(changelist(client, "organisation.site"), ("KIN", "OTT", "MTL")) == ["OTT"]
    assert "Ontario" in changelist(client, "organisation.region") and "Quebec" not in changelist(client, "organisation.region")


def test_the_site_filter_offers_only_the_sites_in_scope(client_as):
    body = changelist(client_as("regional_manager"), "cases.case")
    assert "Kingston Institution" in body and "Ottawa Parole Office" in body and "Montréal" not in body


def test_a_supervisor_cannot_open_a_case_of_another_site(client_as, org):
    response = client_as("supervisor").get(reverse("admin:cases_case_change", args=[org["cases"]["C-KIN-1"].pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_a_supervisor_cannot_move_a_case_to_another_site(client_as, org):
    case = org["cases"]["C-OTT-3"]
    url = reverse("admin:cases_case_change", args=[case.pk])
    response = client_as("supervisor").post(url, case_form(case, site=org["sites"]["MTL"].pk, officer=""))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Case.objects.get(pk=case.pk).site == org["sites"]["OTT"]


def test_a_supervisor_cannot_give_a_case_to_an_officer_of_another_site(client_as, org):
    case = org["cases"]["C-OTT-3"]
    url = reverse("admin:cases_case_change", args=[case.pk])
    response = client_as("supervisor").post(url, case_form(case, officer=org["officers"]["PO-KIM"].pk))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Case.objects.get(pk=case.pk).officer == org["officers"]["PO-BEN"]


def test_a_supervisor_reassigns_a_case_within_their_site_and_it_is_audited(client_as, org):
    case = org["cases"]["C-OTT-3"]
    url = reverse("admin:cases_case_change", args=[case.pk])
    response = client_as("supervisor").post(url, case_form(case, officer=org["officers"]["PO-ANA"].pk))
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).officer == org["officers"]["PO-ANA"]
    entry = AuditEntry.objects.get(entity="case", entity_key="C-OTT-3", action="update")
    assert (entry.actor_label, entry.source, entry.changes) == ("supervisor", "admin", [("officer", "PO-BEN", "PO-ANA")])


def test_a_supervisor_cannot_add_an_officer_at_another_site(client_as, org):
    data = {"code": "PO-NEW", "name": "New Officer", "site": org["sites"]["KIN"].pk, "role": "po", "fte": "1",
            "languages": "en", "specialisations": "", "_save": "Save"}
    client = client_as("supervisor")
    response = client.post(reverse("admin:organisation_officer_add"), data)
    assert response.status_code == 200 and not Officer.objects.filter(code="PO-NEW").exists()
    response = client.post(reverse("admin:organisation_officer_add"), {**data, "site": org["sites"]["OTT"].pk})
    assert response.status_code == 302 and Officer.objects.get(code="PO-NEW").site.code == "OTT"


def test_a_regional_manager_adds_sites_in_their_region_only(client_as, org):
    data = {"code": "SUD", "name": "Sudbury Parole Office", "kind": "parole_office", "security_levels": "",
            "languages": "en", "_save": "Save"}
    client = client_as("regional_manager")
    refused = client.post(reverse("admin:organisation_site_add"), {**data, "region": org["regions"]["QUE"].pk})
    assert refused.status_code == 200 and not Site.objects.filter(code="SUD").exists()
    accepted = client.post(reverse("admin:organisation_site_add"), {**data, "region": org["regions"]["ONT"].pk})
    assert accepted.status_code == 302 and Site.objects.get(code="SUD").region.code == "ONT"


def test_a_supervisor_may_look_at_their_region_but_not_change_it_nor_add_sites(client_as, org):
    client = client_as("supervisor")
    ontario = org["regions"]["ONT"]
    url = reverse("admin:organisation_region_change", args=[ontario.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"code": "ONT", "name": "Renamed", "name_fr": "", "_save": "Save"}).status_code == 403
    assert Region.objects.get(pk=ontario.pk).name == "Ontario"
    assert client.get(reverse("admin:organisation_site_add")).status_code == 403
    assert client.get(reverse("admin:organisation_region_add")).status_code == 403


@pytest.mark.parametrize("role", ["supervisor", "regional_manager"])
def test_only_national_analysts_manage_accounts(client_as, role):
    client = client_as(role)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert "/admin/accounts/user/" not in client.get(reverse("admin:index")).content.decode()


def test_a_national_analyst_cannot_make_a_superuser_nor_see_one(client_as, users, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x-long-password-1")
    client = client_as("national_analyst")
    assert ">root</a>" not in changelist(client, "accounts.user")
    assert client.get(reverse("admin:accounts_user_change", args=[root.pk])).status_code == 302
    union = users["union_analyst"]
    data = {"username": "union", "first_name": "", "last_name": "", "email": "", "is_active": "on",
            "is_superuser": "on", "role": "union_analyst", "region": "", "site": "", "officer": "", "_save": "Save"}
    response = client.post(reverse("admin:accounts_user_change", args=[union.pk]), data)
    assert response.status_code == 302
    assert django_user_model.objects.get(pk=union.pk).is_superuser is False


def test_audit_entries_are_read_only_even_for_a_superuser(client, org, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x-long-password-1"))
    entry = AuditEntry.objects.filter(entity="case").first()
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    assert client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"entity_key": "x"}).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).entity_key == entry.entity_key


def test_a_supervisor_reads_the_audit_entries_of_their_site_only(client_as):
    body = changelist(client_as("supervisor"), "audit.auditentry", "?entity__exact=case")
    assert "C-OTT-1" in body and "C-KIN-1" not in body


@pytest.mark.parametrize("role", ["officer", "union_analyst"])
def test_officers_and_union_analysts_have_no_admin_even_if_made_staff_by_mistake(client_as, users, role):
    users[role].is_staff = True
    users[role].save()
    client = client_as(role)
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/cases/case/" not in index and "/admin/organisation/" not in index
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 403
    assert client.get(reverse("admin:organisation_site_changelist")).status_code == 403


def test_saving_a_row_outside_ones_scope_is_refused_even_past_the_form(users, org):
    """The backstop behind the narrowed form choices: the save is undone by the admin's transaction."""
    request = RequestFactory().post("/admin/")
    request.user = users["supervisor"]
    case = org["cases"]["C-OTT-3"]
    case.site, case.officer = org["sites"]["KIN"], None
    with pytest.raises(PermissionDenied), transaction.atomic():
        CaseAdmin(Case, admin.site).save_model(request, case, form=None, change=True)
    assert Case.objects.get(pk=case.pk).site.code == "OTT"


def test_recording_an_absence_points_to_the_plan_for_the_officers_cases(client_as, org):
    from caseweight.organisation.models import Absence

    data = {"officer": org["officers"]["PO-ANA"].pk, "kind": "sick", "start": "2026-12-01", "end": "2026-12-11",
            "_save": "Save"}  # fmt: skip
    response = client_as("supervisor").post(reverse("admin:organisation_absence_add"), data, follow=True)
    absence = Absence.objects.get(officer__code="PO-ANA", start=dt.date(2026, 12, 1))
    assert f'<a href="/distribution/absences/{absence.pk}/redistribute/">plan who covers them' in response.content.decode()


# Django sends a list asked for a filter it cannot apply to the same list with ?e=1 (and without
# the filter); asked again with both, it shows the page below.
@pytest.mark.parametrize("query", ["?e=1&no_such_field=1", "?e=1&site__id__exact=not-a-number", "?e=1&opened__gte=someday"])
def test_a_list_asked_for_a_filter_it_cannot_apply_says_so_not_that_the_database_is_broken(client_as, query):
    response = client_as("national_analyst").get(reverse("admin:cases_case_changelist") + query)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="unknown-filter"' in body and "Show the whole list" in body
    assert "database installation" not in body
