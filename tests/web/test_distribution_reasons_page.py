"""Distribution pages word the engine's rule reasons in the page's language (issue #5)."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings

from caseweight.cases.models import Case
from caseweight.organisation.models import Officer


def french(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


def new_french_case(org, ref="C-OTT-FR"):
    return Case.objects.create(ref=ref, site=org["sites"]["OTT"], supervision_level="B", language="fr",
                               opened=dt.date(2025, 6, 1))  # fmt: skip


def test_the_recommendation_page_gives_its_reasons_in_french(client_as, org):
    new_french_case(org)
    page = french(client_as("supervisor")).get("/distribution/sites/OTT/recommend/C-OTT-FR/").content.decode()
    assert "présent pour la période" in page and "parle français" in page  # Ana, who may take it
    assert "Ben Clark\u00a0: ne parle pas français" in page  # Ben, who may not
    assert "does not speak" not in page and "present for the period" not in page


def test_the_recommendation_page_stays_english_in_english(client_as, org):
    new_french_case(org)
    page = client_as("supervisor").get("/distribution/sites/OTT/recommend/C-OTT-FR/").content.decode()
    assert "Ben Clark: does not speak French" in page


def test_a_plan_says_in_french_why_no_officer_may_take_a_case(client_as, org):
    Officer.objects.filter(code="PO-ANA").update(languages="en")
    new_french_case(org)
    response = french(client_as("supervisor")).get("/distribution/sites/OTT/assign/")
    page = response.content.decode()
    assert "C-OTT-FR\u00a0: Ana Tremblay (ne parle pas français); Ben Clark (ne parle pas français)" in page
    # The plan the form posts back is the engine's, not the page's wording.
    plan = json.loads(response.context["plan_json"])
    assert "why" not in plan["unassignable"][0]
    assert plan["unassignable"][0]["exclusions"][0]["reasons"][0]["text"] == "does not speak fr"
