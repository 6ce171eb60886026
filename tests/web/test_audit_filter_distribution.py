"""The audit log filters by the distribution entities too, each within the reader's scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings

from test_audit_log import keys, log  # tests/web is on the path (no package)

from caseweight.audit.models import AuditEntry
from caseweight.distribution.models import Assignment, CaseFlag, ComplexityAssessment, Cover, Reduction
from caseweight.organisation.models import Absence, Officer

DISTRIBUTION_ENTITIES = ("assessment", "case_flag", "reduction", "assignment", "cover")


def entities(body: str) -> list[str]:
    """The entity column of the log, top to bottom."""
    return re.findall(r"<td>([^<]*)</td>\s*<td class=\"key\">", body)


@pytest.fixture
def distribution_records(org, users):
    """One record of each distribution model at OTT (Ontario) and one at MTL (Quebec)."""
    made = {}
    for site, officer, case in (("OTT", "PO-ANA", "C-OTT-1"), ("MTL", "PO-ELO", "C-MTL-1")):
        officer, case = org["officers"][officer], org["cases"][case]
        made[site] = {
            "reduction": Reduction.objects.create(officer=officer, hours_per_week=2, reason="mentoring",
                                                  start=dt.date(2026, 1, 1)),
            "assignment": Assignment.objects.create(case=case, officer=officer, method="manual"),
            "case_flag": CaseFlag.objects.create(case=case, hours_requested=5, reason="too complex"),
            "assessment": ComplexityAssessment.objects.create(case=case, factors="trauma"),
        }
    # Covers: Ana covers Ben's case at OTT; a new colleague covers Éloïse's at MTL.
    made["OTT"]["cover"] = Cover.objects.create(case=org["cases"]["C-OTT-3"], officer=org["officers"]["PO-ANA"],
                                                absence=org["absence"])  # fmt: skip
    eloise = org["officers"]["PO-ELO"]
    away = Absence.objects.create(officer=eloise, kind="sick", start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 6))
    luc = Officer.objects.create(code="PO-LUC", name="Luc Roy", site=eloise.site, role="po", fte=1, languages="fr")
    made["MTL"]["cover"] = Cover.objects.create(case=org["cases"]["C-MTL-1"], officer=luc, absence=away)
    return made


def test_the_signals_record_the_distribution_entities(distribution_records):
    recorded = set(AuditEntry.objects.values_list("entity", flat=True))
    assert set(DISTRIBUTION_ENTITIES) <= recorded


@pytest.mark.parametrize("entity", DISTRIBUTION_ENTITIES)
def test_filtering_by_a_distribution_entity_shows_its_entries_only(client_as, distribution_records, entity):
    body = log(client_as("national_analyst"), f"?entity={entity}")
    expected = AuditEntry.objects.filter(entity=entity)
    assert expected.count() >= 2
    assert sorted(keys(body)) == sorted(expected.values_list("entity_key", flat=True))
    assert f'<option value="{entity}" selected>' in body


@pytest.mark.parametrize("entity", DISTRIBUTION_ENTITIES)
def test_a_supervisor_filtering_by_a_distribution_entity_sees_their_site_only(client_as, distribution_records, entity):
    body = log(client_as("supervisor"), f"?entity={entity}")
    mine = AuditEntry.objects.filter(entity=entity, site_code="OTT")
    theirs = AuditEntry.objects.filter(entity=entity, site_code="MTL")
    assert mine.exists() and theirs.exists()
    assert sorted(keys(body)) == sorted(mine.values_list("entity_key", flat=True))
    assert not set(keys(body)) & set(theirs.values_list("entity_key", flat=True))


@pytest.mark.parametrize("entity", DISTRIBUTION_ENTITIES)
def test_a_union_analyst_sees_no_distribution_entry(client_as, distribution_records, entity):
    body = log(client_as("union_analyst"), f"?entity={entity}")
    assert keys(body) == []
    assert f'<option value="{entity}"' not in body


def test_the_filter_labels_the_distribution_entities_in_french(client_as, distribution_records):
    client = client_as("national_analyst")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    body = log(client, "?entity=case_flag")
    assert '<option value="assessment">évaluation de la complexité</option>' in body
    assert '<option value="case_flag" selected>signalement de cas</option>' in body
    assert '<option value="reduction">réduction</option>' in body
    assert '<option value="assignment">affectation</option>' in body
    assert '<option value="cover">remplacement</option>' in body
    assert set(entities(body)) == {"signalement de cas"}
