"""Intensive-supervision flags: an officer asks, a supervisor decides; only approved hours count."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caseweight.distribution import selectors, services
from caseweight.distribution.models import CaseFlag
from caseweight.engine.load import officer_loads


def _hours(site, ref: str) -> float:
    policy = selectors.distribution_policy()
    workload = selectors.site_workload(site=site)
    for load in officer_loads(workload, policy):
        for case in load.cases:
            if case.ref == ref:
                return case.hours
    raise AssertionError(ref)


def test_the_workload_changes_only_when_a_flag_is_approved(client_as, org, users):
    ott = org["sites"]["OTT"]
    base = _hours(ott, "C-OTT-1")
    client = client_as("officer")
    response = client.post("/distribution/cases/C-OTT-1/flags/", {"hours": "3", "reason": "Weekly contacts needed"})
    assert response.status_code == 302
    flag = CaseFlag.objects.get(case__ref="C-OTT-1")
    assert flag.state == "requested" and flag.raised_by == users["officer"]
    assert _hours(ott, "C-OTT-1") == pytest.approx(base)  # asked, not yet approved

    client.force_login(users["supervisor"])
    response = client.post(f"/distribution/flags/{flag.pk}/decide/", {"decision": "changed", "hours": "2.5", "note": "2.5 is enough"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.state, flag.approved_hours, flag.decided_by) == ("changed", Decimal("2.50"), users["supervisor"])
    assert _hours(ott, "C-OTT-1") == pytest.approx(base + 2.5)  # 2.5 approved hours a month, by hand

    with pytest.raises(services.FlagStateError):  # decided already: it can only be ended now
        services.flag_decide(flag=flag, user=users["supervisor"], decision="declined", note="reviewed")
    response = client.post(f"/distribution/flags/{flag.pk}/decide/", {"decision": "ended", "note": "contacts back to monthly"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.state, flag.approved_hours, flag.end_note) == ("ended", Decimal("2.50"), "contacts back to monthly")
    assert (flag.decided_by, flag.decision_note) == (users["supervisor"], "2.5 is enough")  # the approval stays on record
    assert _hours(ott, "C-OTT-1") == pytest.approx(base)


def test_an_approved_flag_counts_the_hours_asked(org, users):
    ott = org["sites"]["OTT"]
    base = _hours(ott, "C-OTT-2")
    flag = services.flag_raise(case=org["cases"]["C-OTT-2"], user=users["officer"], hours=Decimal("4"), reason="trauma")
    services.flag_decide(flag=flag, user=users["supervisor"], decision="approved")
    assert _hours(ott, "C-OTT-2") == pytest.approx(base + 4)


def test_an_officer_cannot_decide_on_their_own_flag(client_as, org, users):
    flag = services.flag_raise(case=org["cases"]["C-OTT-1"], user=users["officer"], hours=Decimal("3"), reason="x")
    response = client_as("officer").post(f"/distribution/flags/{flag.pk}/decide/", {"decision": "approved"})
    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.state == "requested"


def test_nobody_decides_on_a_flag_they_raised(org, users):
    flag = CaseFlag.objects.create(case=org["cases"]["C-OTT-1"], raised_by=users["supervisor"], hours_requested=2, reason="x")
    with pytest.raises(services.DistributionError):
        services.flag_decide(flag=flag, user=users["supervisor"], decision="approved")


def test_an_officer_cannot_flag_a_colleagues_case(client_as, org):
    response = client_as("officer").post("/distribution/cases/C-OTT-3/flags/", {"hours": "3", "reason": "x"})
    assert response.status_code == 403
    assert not CaseFlag.objects.exists()


def test_a_supervisor_sees_the_flag_and_its_history(client_as, org, users):
    flag = services.flag_raise(case=org["cases"]["C-OTT-1"], user=users["officer"], hours=Decimal("3"), reason="Weekly contacts")
    page = client_as("supervisor").get("/distribution/cases/C-OTT-1/flags/").content.decode()
    assert "Weekly contacts" in page and f'id="decide-{flag.pk}"' in page
    assert "Weekly contacts" in client_as("supervisor").get("/distribution/sites/OTT/flags/").content.decode()


def test_a_union_analyst_sees_no_flag(client_as, org, users):
    services.flag_raise(case=org["cases"]["C-OTT-1"], user=users["officer"], hours=Decimal("3"), reason="x")
    assert client_as("union_analyst").get("/distribution/cases/C-OTT-1/flags/").status_code == 403


def test_a_later_approved_flag_replaces_the_earlier_one(client_as, org, users):
    ott = org["sites"]["OTT"]
    base = _hours(ott, "C-OTT-1")
    first = services.flag_raise(case=org["cases"]["C-OTT-1"], user=users["officer"], hours=Decimal("3"), reason="weekly")
    services.flag_decide(flag=first, user=users["supervisor"], decision="approved")
    second = services.flag_raise(case=org["cases"]["C-OTT-1"], user=users["officer"], hours=Decimal("5"), reason="twice")
    assert _hours(ott, "C-OTT-1") == pytest.approx(base + 3)  # the second is only asked for
    services.flag_decide(flag=second, user=users["regional_manager"], decision="changed", hours=Decimal("4"))
    assert _hours(ott, "C-OTT-1") == pytest.approx(base + 4)  # the latest approval, not 3 + 4
    first.refresh_from_db()
    assert (first.state, first.decided_by, first.ended_by) == ("replaced", users["supervisor"], users["regional_manager"])
    page = client_as("supervisor").get("/distribution/cases/C-OTT-1/flags/").content.decode()
    first_row = page[page.index(f'<tr data-flag="{first.pk}"'):].split("</tr>")[0]
    assert "Replaced by a later approved flag" in first_row and "Stopped counting: regional" in first_row
    assert f'id="end-{second.pk}"' in page and f'id="end-{first.pk}"' not in page
    services.flag_decide(flag=second, user=users["supervisor"], decision="ended", note="monthly again")
    assert _hours(ott, "C-OTT-1") == pytest.approx(base)  # ended: nothing counts, the replaced one stays replaced
    second.refresh_from_db()
    assert (second.state, second.decided_by, second.ended_by, second.end_note) == (
        "ended", users["regional_manager"], users["supervisor"], "monthly again")


def test_a_decided_flag_cannot_be_decided_again_and_a_declined_one_cannot_be_ended(client_as, org, users):
    flag = services.flag_raise(case=org["cases"]["C-OTT-1"], user=users["officer"], hours=Decimal("3"), reason="x")
    services.flag_decide(flag=flag, user=users["supervisor"], decision="declined")
    client = client_as("supervisor")
    response = client.post(f"/distribution/flags/{flag.pk}/decide/", {"decision": "approved"}, follow=True)
    assert "This flag was already decided on." in response.content.decode()
    response = client.post(f"/distribution/flags/{flag.pk}/decide/", {"decision": "ended"}, follow=True)
    assert "Only an approved flag can be ended." in response.content.decode()
    flag.refresh_from_db()
    assert flag.state == "declined"


def test_each_decision_form_on_a_flags_page_has_its_own_field_ids(client_as, org, users):
    first = services.flag_raise(case=org["cases"]["C-OTT-1"], user=users["officer"], hours=Decimal("3"), reason="a")
    second = services.flag_raise(case=org["cases"]["C-OTT-1"], user=users["officer"], hours=Decimal("2"), reason="b")
    page = client_as("supervisor").get("/distribution/cases/C-OTT-1/flags/").content.decode()
    assert f'id="id_{first.pk}_note"' in page and f'id="id_{second.pk}_note"' in page
    assert page.count('id="id_note"') == 0
