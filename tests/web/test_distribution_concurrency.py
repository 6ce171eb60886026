"""Two supervisors assign the same new case at the same moment: exactly one succeeds, and the other
is told, on both databases (PostgreSQL locks the case's row; SQLite's transactions take the
database's write lock as they begin, so the second waits for the first and finds the case taken)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections

from caseweight.cases.models import Case
from caseweight.distribution import services
from caseweight.distribution.models import Assignment


# serialized_rollback: the flush of a transactional test would drop the regions the migrations made.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_supervisors_assigning_the_same_case_at_once_one_is_told_it_was_just_assigned(org, users):
    case = Case.objects.create(ref="C-OTT-RACE", site=org["sites"]["OTT"], supervision_level="B", language="en",
                               opened=dt.date(2025, 6, 1))  # fmt: skip
    officers = [org["officers"]["PO-ANA"], org["officers"]["PO-BEN"]]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def assign(officer):
        try:
            barrier.wait()
            services.case_assign(case_id=case.pk, officer=officer, user=users["supervisor"], method="manual")
            outcomes.append("assigned")
        except services.CaseAlreadyAssigned as error:
            outcomes.append(f"refused: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=assign, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o.split(":")[0] for o in outcomes) == ["assigned", "refused"]
    assert "was just assigned" in next(o for o in outcomes if o.startswith("refused"))
    assert Assignment.objects.filter(case=case).count() == 1
    case.refresh_from_db()
    assert case.officer_id == Assignment.objects.get(case=case).officer_id
