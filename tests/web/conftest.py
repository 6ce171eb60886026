"""Web-test helpers on top of the shared fixtures (tests/conftest.py: `org`, `users`)."""

from __future__ import annotations

import datetime as dt

import pytest

from caseweight.cases.models import Case
from caseweight.organisation.models import Absence, Officer, Region, Site


@pytest.fixture
def client_as(client, users):
    """client_as("supervisor") → the test client signed in with that role; "anonymous" stays signed out."""

    def sign_in(role: str):
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return sign_in



@pytest.fixture
def recorded_site(org):
    """recorded_site(as_of=..., kind=...) → an Ontario parole office "RES": 6 officers, each away one
    week of `kind` in the 52 weeks to `as_of` (8 weeks apart), and 40 open level-B cases."""

    def make(*, as_of: dt.date, kind: str) -> Site:
        res = Site.objects.create(code="RES", name="Recorded Parole Office", region=Region.objects.get(code="ONT"),
                                  kind="parole_office", languages="en")  # fmt: skip
        window_start = as_of - dt.timedelta(weeks=52)
        for i in range(6):
            officer = Officer.objects.create(code=f"PO-R{i}", name=f"Officer R{i}", site=res, role="po")
            start = window_start + dt.timedelta(weeks=8 * i)
            Absence.objects.create(officer=officer, kind=kind, start=start, end=start + dt.timedelta(days=6))
        Case.objects.bulk_create(
            [Case(ref=f"C-RES-{i}", site=res, supervision_level="B", opened=dt.date(2025, 1, 1)) for i in range(40)]
        )
        return res

    return make


@pytest.fixture
def world(org, users, django_user_model):
    """`org` and `users` with something of every kind at each site, this week: what a leak would show.

    OTT (the officer's and the supervisor's site): Ben Clark is on sick leave this week and Camille
    Roy (PO-CAM) covers his case C-OTT-3; Ben has a mentoring reduction and a flag; Ana has a phased
    return and a flag of her own; C-OTT-4 waits for an officer. KIN and MTL: the same, for Kim and
    Éloïse (cases C-KIN-3 and C-MTL-2 wait for an officer). Returns a dict of everything, by key.
    """
    from django.utils import timezone

    from caseweight.audit.models import AuditEntry
    from caseweight.distribution.models import Assignment, CaseFlag, ComplexityAssessment, Cover, Reduction

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    sites, officers, cases = org["sites"], org["officers"], org["cases"]
    make = django_user_model.objects.create_user
    officers["PO-CAM"] = Officer.objects.create(code="PO-CAM", name="Camille Roy", site=sites["OTT"], role="po",
                                                languages="en;fr")  # fmt: skip
    accounts = {
        "PO-ANA": users["officer"],
        "PO-BEN": make("ben", password="x", role="officer", officer=officers["PO-BEN"]),
        "PO-KIM": make("kim", password="x", role="officer", officer=officers["PO-KIM"]),
        "PO-ELO": make("eloise", password="x", role="officer", officer=officers["PO-ELO"]),
    }
    supervisors = {
        "OTT": users["supervisor"],
        "KIN": make("kin-supervisor", password="x", role="supervisor", site=sites["KIN"], is_staff=True),
        "MTL": make("mtl-supervisor", password="x", role="supervisor", site=sites["MTL"], is_staff=True),
    }
    opened = dt.date(2025, 1, 15)
    cases["C-OTT-4"] = Case.objects.create(ref="C-OTT-4", site=sites["OTT"], supervision_level="B", opened=opened)
    cases["C-KIN-3"] = Case.objects.create(ref="C-KIN-3", site=sites["KIN"], security_level="medium", opened=opened)
    cases["C-MTL-2"] = Case.objects.create(ref="C-MTL-2", site=sites["MTL"], supervision_level="B", language="fr",
                                           opened=opened)  # fmt: skip
    absences = {
        code: Absence.objects.create(officer=officers[code], kind="sick", start=monday, end=monday + dt.timedelta(days=2))
        for code in ("PO-BEN", "PO-KIM", "PO-ELO")
    }
    covers = {"OTT": Cover.objects.create(case=cases["C-OTT-3"], officer=officers["PO-CAM"], absence=absences["PO-BEN"])}
    reductions = {
        "PO-ANA": Reduction.objects.create(officer=officers["PO-ANA"], hours_per_week=3, reason="phased_return",
                                           start=monday - dt.timedelta(days=14)),  # fmt: skip
        **{code: Reduction.objects.create(officer=officers[code], hours_per_week=2, reason="mentoring",
                                          start=monday - dt.timedelta(days=14)) for code in ("PO-BEN", "PO-KIM", "PO-ELO")},
    }  # fmt: skip
    flag_cases = {"PO-ANA": "C-OTT-2", "PO-BEN": "C-OTT-3", "PO-KIM": "C-KIN-1", "PO-ELO": "C-MTL-1"}
    flags = {
        code: CaseFlag.objects.create(case=cases[ref], raised_by=accounts[code], hours_requested=2,
                                      reason=f"Flag reason of {code}")
        for code, ref in flag_cases.items()
    }  # fmt: skip
    site_of_case = {"OTT": "C-OTT-1", "KIN": "C-KIN-2", "MTL": "C-MTL-1"}
    assessments = {
        site: ComplexityAssessment.objects.create(case=cases[ref], factors="trauma", assessed_by=supervisors[site],
                                                  note=f"Assessment note at {site}")
        for site, ref in site_of_case.items()
    }  # fmt: skip
    assignments = {
        site: Assignment.objects.create(case=cases[ref], officer=cases[ref].officer, assigned_by=supervisors[site],
                                        method="manual")
        for site, ref in site_of_case.items()
    }  # fmt: skip
    audit_entries = {site: AuditEntry.objects.filter(site_code=site).order_by("pk").first() for site in sites}
    return {
        **org, "users": users, "accounts": accounts, "supervisors": supervisors, "monday": monday,
        "absences": {**absences, "PO-BEN-JULY": org["absence"]}, "covers": covers, "reductions": reductions,
        "flags": flags, "assessments": assessments, "assignments": assignments, "audit_entries": audit_entries,
    }  # fmt: skip
