"""A plan posted back to the batch, rebalance or redistribution page is worked out again from the
database before anything is written: the period it claims is never the one its rules are checked for."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from caseweight.cases.models import Case
from caseweight.distribution.models import Assignment, Cover
from caseweight.engine.workload import week_of
from caseweight.organisation.models import Absence

FAR_WEEK = ["2031-03-03", "2031-03-09"]  # a week when nobody is away


def test_a_batch_plan_claiming_another_week_cannot_give_a_case_to_an_officer_away_this_week(client_as, org):
    monday, sunday = week_of(timezone.localdate())
    Absence.objects.create(officer=org["officers"]["PO-BEN"], kind="sick", start=monday, end=sunday)
    Case.objects.create(ref="C-OTT-NEW", site=org["sites"]["OTT"], supervision_level="B", language="en",
                        opened=dt.date(2025, 6, 1))  # fmt: skip
    client = client_as("supervisor")
    plan = json.loads(client.get("/distribution/sites/OTT/assign/").context["plan_json"])
    assert [(a["case"], a["officer"]) for a in plan["assignments"]] == [("C-OTT-NEW", "PO-ANA")]
    plan["assignments"][0]["officer"] = "PO-BEN"
    plan["period"] = FAR_WEEK
    page = client.post("/distribution/sites/OTT/assign/", {"plan": json.dumps(plan)}, follow=True).content.decode()
    assert "Case C-OTT-NEW may not go to Ben Clark: absent from" in page and "Nothing was written." in page
    assert Case.objects.get(ref="C-OTT-NEW").officer is None and not Assignment.objects.exists()


def test_a_rebalance_plan_claiming_another_week_cannot_move_a_case_to_an_officer_away_this_week(client_as, org):
    monday, sunday = week_of(timezone.localdate())
    Absence.objects.create(officer=org["officers"]["PO-BEN"], kind="sick", start=monday, end=sunday)
    forged = {"assignments": [{"case": "C-OTT-1", "officer": "PO-BEN", "from_officer": "PO-ANA", "hours": 0}],
              "period": FAR_WEEK}  # fmt: skip
    page = client_as("supervisor").post("/distribution/sites/OTT/rebalance/", {"plan": json.dumps(forged)},
                                        follow=True).content.decode()  # fmt: skip
    assert "Case C-OTT-1 may not go to Ben Clark: absent from" in page and "Nothing was written." in page
    assert Case.objects.get(ref="C-OTT-1").officer == org["officers"]["PO-ANA"] and not Assignment.objects.exists()


def test_a_redistribution_checks_that_the_colleague_is_present_for_the_whole_absence_not_a_week_the_plan_names(
    client_as, org
):
    """Ben is away 6 to 17 July; Ana is away on the 13th and 14th, in the absence's second week."""
    Absence.objects.create(officer=org["officers"]["PO-ANA"], kind="training", start=dt.date(2026, 7, 13),
                           end=dt.date(2026, 7, 14))  # fmt: skip
    absence = org["absence"]
    url = f"/distribution/absences/{absence.pk}/redistribute/"
    client = client_as("supervisor")
    plan = json.loads(client.get(url).context["plan_json"])
    assert plan["assignments"] == [] and [u["case"] for u in plan["unassignable"]] == ["C-OTT-3"]
    plan["assignments"] = [{"case": "C-OTT-3", "officer": "PO-ANA", "from_officer": "PO-BEN", "hours": 0}]
    plan["period"] = ["2026-07-06", "2026-07-12"]
    page = client.post(url, {"plan": json.dumps(plan)}, follow=True).content.decode()
    assert "Case C-OTT-3 may not go to Ana Tremblay: absent from" in page and "Nothing was written." in page
    assert not Cover.objects.exists()


@pytest.mark.parametrize("forged", [
    "[" * 100_000 + "]" * 100_000,
    '{"assignments": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"assignments": [{"case": "C-OTT-1", "officer": "PO-BEN", "from_officer": "PO-ANA"},'
    ' {"case": "C-OTT-1", "officer": "PO-BEN", "from_officer": "PO-ANA"}]}',
    '{"assignments": [{"case": "C-OTT-1", "officer": "PO-BEN", "from_officer": ["PO-ANA"]}]}',
    json.dumps({"assignments": [{"case": f"C-{i}", "officer": "PO-BEN"} for i in range(40_000)]}),
], ids=["nested-brackets", "nested-assignments", "a-case-twice", "from-officer-a-list", "40000-moves"])  # fmt: skip
def test_an_absurd_plan_is_refused_with_a_message_and_writes_nothing(client_as, org, forged):
    response = client_as("supervisor").post("/distribution/sites/OTT/rebalance/", {"plan": forged}, follow=True)
    assert response.status_code == 200
    assert "The plan could not be read. Make it again." in response.content.decode()
    assert not Assignment.objects.exists()
    assert Case.objects.get(ref="C-OTT-1").officer == org["officers"]["PO-ANA"]
