"""The assignment history is complete: an officer change made through the admin, a shell or an
import is recorded too, so continuity (former officers) sees it."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from caseweight.audit.context import Actor, acting_as
from caseweight.cases.models import Case
from caseweight.distribution import selectors, services
from caseweight.distribution.models import Assignment
from caseweight.imports.services import import_tables

from test_admin import case_form  # tests/web is on the path (no package)


def history(ref: str) -> list[tuple]:
    return list(
        Assignment.objects.filter(case__ref=ref)
        .order_by("pk")
        .values_list("from_officer__code", "officer__code", "method", "assigned_by__username")
    )


def test_creating_a_case_with_its_officer_is_not_an_assignment_row(org):
    assert not Assignment.objects.exists()  # the fixture's cases were created with their officers


def test_an_admin_reassignment_is_recorded_and_makes_a_former_officer(client_as, org):
    case = org["cases"]["C-OTT-3"]
    response = client_as("supervisor").post(reverse("admin:cases_case_change", args=[case.pk]),
                                            case_form(case, officer=org["officers"]["PO-ANA"].pk))  # fmt: skip
    assert response.status_code == 302
    assert history("C-OTT-3") == [("PO-BEN", "PO-ANA", "manual", "supervisor")]
    assert selectors.former_officers(cases=Case.objects.filter(ref="C-OTT-3")) == {case.pk: ("PO-BEN",)}


def test_a_save_that_keeps_the_officer_records_nothing(org):
    case = org["cases"]["C-OTT-3"]
    case.language = "fr"
    case.save()
    assert history("C-OTT-3") == []


def test_a_shell_reassignment_is_recorded_with_whoever_is_acting(org, users):
    case = org["cases"]["C-OTT-1"]
    with acting_as(Actor(users["regional_manager"].pk, "regional", "cli")):
        case.officer = org["officers"]["PO-BEN"]
        case.save()
    assert history("C-OTT-1") == [("PO-ANA", "PO-BEN", "manual", "regional")]


def test_an_import_that_changes_officers_records_each_change_once(org, users):
    row = {"site": "OTT", "language": "en", "opened": "2025-01-15", "supervision_level": "A"}
    with acting_as(Actor(users["national_analyst"].pk, "analyst", "import")):
        import_tables(tables={"cases": [
            {**row, "ref": "C-OTT-1", "officer": "PO-BEN"},  # moved: Ana → Ben
            {**row, "ref": "C-OTT-3", "officer": "PO-BEN"},  # unchanged
            {**row, "ref": "C-OTT-9", "officer": "PO-ANA"},  # new: its creation is not an assignment row
        ]})  # fmt: skip
    assert history("C-OTT-1") == [("PO-ANA", "PO-BEN", "import", "analyst")]
    assert Assignment.objects.count() == 1
    import_tables(tables={"cases": [{**row, "ref": "C-OTT-1", "officer": ""}]})  # taken from Ben, given to nobody
    assert history("C-OTT-1") == [("PO-ANA", "PO-BEN", "import", "analyst"), ("PO-BEN", None, "unassigned", None)]


def test_an_unassignment_is_recorded_so_a_past_day_gives_the_case_to_its_officer_then(org, users):
    case = org["cases"]["C-OTT-3"]
    with acting_as(Actor(users["supervisor"].pk, "supervisor", "admin")):
        case.officer = None
        case.save()
    assert history("C-OTT-3") == [("PO-BEN", None, "unassigned", "supervisor")]
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert selectors.officers_then(cases=[case.pk], day=yesterday) == {case.pk: org["officers"]["PO-BEN"].pk}
    assert selectors.former_officers(cases=Case.objects.filter(pk=case.pk)) == {case.pk: ("PO-BEN",)}


def test_an_assignment_through_the_services_is_recorded_once_with_its_method(org, users):
    case = Case.objects.create(ref="C-OTT-NEW", site=org["sites"]["OTT"], supervision_level="B", language="en",
                               opened=dt.date(2025, 6, 1))  # fmt: skip
    services.case_assign(case_id=case.pk, officer=org["officers"]["PO-ANA"], user=users["supervisor"],
                         method="recommendation")  # fmt: skip
    assert history("C-OTT-NEW") == [(None, "PO-ANA", "recommendation", "supervisor")]


def test_deleting_an_officer_keeps_the_history_of_the_cases_they_had(org, users):
    case = org["cases"]["C-OTT-3"]
    case.officer = org["officers"]["PO-ANA"]
    case.save()
    org["officers"]["PO-ANA"].delete()
    assert history("C-OTT-3") == [("PO-BEN", None, "manual", None)]  # Ana is gone, the move is kept
    assert selectors.former_officers(cases=Case.objects.filter(pk=case.pk)) == {case.pk: ("PO-BEN",)}
