"""The audit log page: who changed what and when, before → after, within the reader's scope.

Creating the fixture already writes entries (system actor): one per site, officer, case and absence.
"""

from __future__ import annotations

import re

from django.urls import reverse

from caseweight.audit.context import Actor, acting_as
from caseweight.audit.models import AuditEntry
from caseweight.organisation.models import Region


def keys(body: str) -> list[str]:
    """The key column of the log, top to bottom."""
    return re.findall(r'<td class="key">([^<]*)</td>', body)


def log(client, query="") -> str:
    response = client.get(reverse("audit_log") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_change_shows_who_when_what_and_before_and_after(client_as, org, users):
    with acting_as(Actor(users["supervisor"].pk, "supervisor", "web")):
        case = org["cases"]["C-OTT-3"]
        case.officer = org["officers"]["PO-ANA"]
        case.save()
    body = log(client_as("supervisor"), "?entity=case&key=C-OTT-3")
    assert keys(body) == ["C-OTT-3", "C-OTT-3"]  # the update, then the creation
    newest = re.search(r"<tbody>\s*<tr>(.*?)</tr>", body, re.S).group(1)
    assert "supervisor" in newest and "updated" in newest and ">case<" in newest
    assert "<code>officer</code>: PO-BEN → PO-ANA" in newest


def test_a_cases_key_finds_the_records_about_it_too(client_as, org, users):
    with acting_as(Actor(users["supervisor"].pk, "supervisor", "web")):
        case = org["cases"]["C-OTT-3"]
        case.officer = org["officers"]["PO-ANA"]
        case.save()
    body = log(client_as("supervisor"), "?key=C-OTT-3")
    assert keys(body) == ["C-OTT-3"] * 3  # the assignment history row, the case's update, its creation
    assert "<td>assignment</td>" in body


def test_a_creation_shows_each_value_coming_from_nothing(client_as):
    body = log(client_as("supervisor"), "?entity=absence")
    assert keys(body) == ["PO-BEN@2026-07-06"]
    assert "<code>kind</code>: — → annual" in body


def test_a_supervisor_sees_the_entries_of_their_site_only(client_as):
    body = log(client_as("supervisor"))
    assert set(keys(body)) == {"OTT", "PO-ANA", "PO-BEN", "C-OTT-1", "C-OTT-2", "C-OTT-3", "PO-BEN@2026-07-06"}


def test_a_regional_manager_sees_the_entries_of_their_regions_sites(client_as):
    body = log(client_as("regional_manager"), "?entity=site")
    assert sorted(keys(body)) == ["KIN", "OTT"]


def test_the_log_filters_by_entity(client_as):
    body = log(client_as("national_analyst"), "?entity=case")
    assert sorted(keys(body)) == ["C-KIN-1", "C-KIN-2", "C-MTL-1", "C-OTT-1", "C-OTT-2", "C-OTT-3"]


def test_a_union_analyst_sees_region_and_site_entries_only(client_as, org):
    quebec = Region.objects.get(code="QUE")
    quebec.name_fr = "Région du Québec"
    quebec.save()
    body = log(client_as("union_analyst"))
    # The five regions (created by a migration), the three sites, and the change to Quebec.
    assert set(keys(body)) == {"ATL", "QUE", "ONT", "PRA", "PAC", "KIN", "MTL", "OTT"}
    assert "<code>name_fr</code>: Québec → Région du Québec" in body
    assert keys(log(client_as("union_analyst"), "?entity=case")) == []


def test_the_log_is_paginated_by_fifty_newest_first(client_as, org):
    ott = org["sites"]["OTT"]
    AuditEntry.objects.bulk_create(
        AuditEntry(action="update", entity="site", entity_key="OTT", site_code="OTT", actor_label=f"bulk-{n:02}",
                   before={"name": "a"}, after={"name": "b"})
        for n in range(60)
    )
    client = client_as("supervisor")
    first = log(client)
    assert len(keys(first)) == 50 and "Page 1 of 2" in first
    second = log(client, "?page=2")
    assert len(keys(second)) == AuditEntry.objects.filter(site_code=ott.code).count() - 50


def test_a_creation_leaves_out_the_fields_it_left_empty(client_as):
    body = log(client_as("supervisor"), "?key=C-OTT-1")
    assert "<code>supervision_level</code>: — → A" in body
    assert "<code>security_level</code>" not in body and "<code>factors</code>" not in body
