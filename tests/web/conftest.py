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

