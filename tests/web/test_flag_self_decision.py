"""Nobody decides on a flag they raised, by any route: the flags page (services), the admin, the
shell. The admin only shows flags: they are raised by their case's officer and decided on the
flags page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from caseweight.cases.models import Case
from caseweight.distribution import services
from caseweight.distribution.models import CaseFlag

SELF_DECISION_REFUSED = "You cannot decide on a flag you raised."


@pytest.fixture
def analyst(users):
    return users["national_analyst"]


def flag_form(case, user, **changes) -> dict:
    return {"case": case.pk, "raised_by": user.pk, "hours_requested": "3", "reason": "weekly contact",
            "state": "approved", "approved_hours": "3", "decided_by": user.pk, "decided_at_0": "2026-11-02",
            "decided_at_1": "09:00:00", "decision_note": "", "ended_by": "", "ended_at_0": "", "ended_at_1": "",
            "end_note": "", "_save": "Save", **changes}


def test_the_admin_refuses_to_add_a_flag_raised_and_approved_by_oneself(client_as, org, analyst):
    response = client_as("national_analyst").post(reverse("admin:distribution_caseflag_add"),
                                                  flag_form(org["cases"]["C-OTT-1"], analyst))
    assert response.status_code == 403
    assert "Your role does not give access to this page" in response.content.decode()
    assert not CaseFlag.objects.exists()


def test_the_admin_refuses_to_decide_a_flag(client_as, org, users, analyst):
    flag = services.flag_raise(case=org["cases"]["C-OTT-1"], user=users["officer"], hours=Decimal("3"), reason="x")
    response = client_as("national_analyst").post(
        reverse("admin:distribution_caseflag_change", args=[flag.pk]),
        flag_form(flag.case, users["officer"], decided_by=analyst.pk),
    )
    assert response.status_code == 403
    flag.refresh_from_db()
    assert (flag.state, flag.decided_by, flag.approved_hours) == ("requested", None, None)


def test_the_admin_shows_the_flags_without_a_way_to_add_one(client_as, org, users):
    services.flag_raise(case=org["cases"]["C-OTT-1"], user=users["officer"], hours=Decimal("3"), reason="x")
    html = client_as("national_analyst").get(reverse("admin:distribution_caseflag_changelist")).content.decode()
    assert "C-OTT-1" in html
    assert reverse("admin:distribution_caseflag_add") not in html


@pytest.mark.parametrize("by", ["decided_by", "ended_by"])
def test_the_database_refuses_a_flag_decided_or_ended_by_its_raiser(org, analyst, by):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFlag.objects.create(case=org["cases"]["C-OTT-1"], raised_by=analyst, hours_requested=3, reason="x",
                                state="approved", approved_hours=3, decided_at=timezone.now(), **{by: analyst})
    assert not CaseFlag.objects.exists()


def test_model_validation_refuses_a_flag_decided_by_its_raiser_with_the_message(org, analyst):
    flag = CaseFlag(case=org["cases"]["C-OTT-1"], raised_by=analyst, hours_requested=3, reason="x",
                    state="approved", approved_hours=3, decided_by=analyst)
    with pytest.raises(ValidationError) as refused:
        flag.full_clean()
    assert refused.value.messages == [SELF_DECISION_REFUSED]


def test_a_flag_decided_by_a_colleague_is_valid_and_stays_so_once_its_raiser_is_deleted(org, users, analyst):
    flag = CaseFlag.objects.create(case=org["cases"]["C-OTT-1"], raised_by=users["officer"], hours_requested=3,
                                   reason="x", state="approved", approved_hours=3, decided_by=analyst)
    flag.full_clean()
    users["officer"].delete()
    flag.refresh_from_db()
    assert (flag.raised_by, flag.decided_by) == (None, analyst)


def test_the_services_refuse_to_approve_a_flag_that_would_end_one_the_decider_raised(org, users, django_user_model):
    """Ana flags her case, is made supervisor, and the case goes to Ben: approving Ben's flag would
    replace Ana's, a decision on her own flag."""
    promoted, case = users["officer"], org["cases"]["C-OTT-1"]
    earlier = services.flag_raise(case=case, user=promoted, hours=Decimal("2"), reason="x")
    services.flag_decide(flag=earlier, user=users["supervisor"], decision="approved")
    promoted.role, promoted.site, promoted.officer = "supervisor", org["sites"]["OTT"], None
    promoted.save()
    Case.objects.filter(pk=case.pk).update(officer=org["officers"]["PO-BEN"])
    ben = django_user_model.objects.create_user("ben", role="officer", officer=org["officers"]["PO-BEN"])
    later = services.flag_raise(case=Case.objects.get(pk=case.pk), user=ben, hours=Decimal("4"), reason="y")
    with pytest.raises(services.DistributionError, match="would end one you raised"):
        services.flag_decide(flag=later, user=promoted, decision="approved")
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert (earlier.state, later.state) == ("approved", "requested")


# serialized_rollback: the flush of a transactional test would drop the regions the migrations made.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_sends_a_flag_decided_by_its_raiser_back_to_requested():
    before, after = ("distribution", "0002_cover_flag_end_unassignment"), ("distribution", "0003_flag_not_decided_by_its_raiser")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    apps = executor.loader.project_state([before]).apps
    region = apps.get_model("organisation", "Region").objects.get(code="ONT")
    site = apps.get_model("organisation", "Site").objects.create(code="OTT", name="Ottawa", region=region,
                                                                 kind="parole_office")
    case = apps.get_model("cases", "Case").objects.create(ref="C-1", site=site, supervision_level="A",
                                                          opened=dt.date(2025, 1, 1))
    user = apps.get_model("accounts", "User").objects.create(username="analyst", role="national_analyst")
    CaseFlag_ = apps.get_model("distribution", "CaseFlag")
    flag = CaseFlag_.objects.create(case=case, raised_by=user, hours_requested=3, reason="x", state="approved",
                                    approved_hours=3, decided_by=user, decided_at=timezone.now())
    executor = MigrationExecutor(connection)
    executor.migrate([after])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    flag = CaseFlag.objects.get(pk=flag.pk)
    assert (flag.state, flag.approved_hours, flag.decided_by, flag.decided_at) == ("requested", None, None, None)
