"""Temporary covers: an absent officer's cases are carried by colleagues while the absence lasts
and go back by themselves when it ends. Dates: Ben is absent 6–17 July 2026 (the `org` fixture)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from caseweight.cases.models import Case
from caseweight.distribution import selectors, services
from caseweight.distribution.models import Cover
from caseweight.engine.load import officer_loads
from caseweight.organisation.models import Absence, Officer

BEFORE, DURING, AFTER = dt.date(2026, 6, 29), dt.date(2026, 7, 8), dt.date(2026, 7, 22)


def carriers(site, as_of) -> dict[str, str | None]:
    return {c.ref: c.covered_by for c in selectors.site_workload(site=site, as_of=as_of).cases}


def loads(site, as_of) -> dict[str, tuple[list[str], list[str]]]:
    """Officer code → (own case refs, refs of the cases they cover)."""
    workload = selectors.site_workload(site=site, as_of=as_of)
    return {
        load.officer: (sorted(c.ref for c in load.cases), sorted(c.ref for c in load.covering))
        for load in officer_loads(workload, selectors.distribution_policy())
    }


@pytest.fixture
def covered(org):
    """Ana covers Ben's case C-OTT-3 for his absence."""
    return Cover.objects.create(case=org["cases"]["C-OTT-3"], officer=org["officers"]["PO-ANA"], absence=org["absence"])


def test_a_cover_counts_for_the_colleague_only_while_the_absence_lasts(org, covered):
    ott = org["sites"]["OTT"]
    assert loads(ott, BEFORE) == {"PO-ANA": (["C-OTT-1", "C-OTT-2"], []), "PO-BEN": (["C-OTT-3"], [])}
    assert loads(ott, DURING) == {"PO-ANA": (["C-OTT-1", "C-OTT-2"], ["C-OTT-3"]), "PO-BEN": ([], [])}
    assert loads(ott, AFTER) == {"PO-ANA": (["C-OTT-1", "C-OTT-2"], []), "PO-BEN": (["C-OTT-3"], [])}
    assert Case.objects.get(ref="C-OTT-3").officer.code == "PO-BEN"


def test_a_cover_follows_its_absence_when_the_dates_change(org, covered):
    absence = org["absence"]
    absence.end = dt.date(2026, 7, 31)
    absence.save()
    assert carriers(org["sites"]["OTT"], AFTER)["C-OTT-3"] == "PO-ANA"
    absence.end = dt.date(2026, 7, 7)
    absence.save()
    assert carriers(org["sites"]["OTT"], dt.date(2026, 7, 15))["C-OTT-3"] is None


def test_covers_chain_when_the_covering_colleague_is_absent_in_turn(org, covered):
    ott = org["sites"]["OTT"]
    cho = Officer.objects.create(code="PO-CHO", name="Cho Lee", site=ott, role="po", fte=Decimal("1"), languages="en")
    ana_away = Absence.objects.create(officer=org["officers"]["PO-ANA"], kind="sick", start=dt.date(2026, 7, 13),
                                      end=dt.date(2026, 7, 14))  # fmt: skip
    Cover.objects.create(case=org["cases"]["C-OTT-3"], officer=cho, absence=ana_away)
    assert carriers(ott, DURING)["C-OTT-3"] == "PO-ANA"  # week of 6 July: Ana is there
    assert carriers(ott, dt.date(2026, 7, 13))["C-OTT-3"] == "PO-CHO"  # Ben and Ana both away
    assert carriers(ott, AFTER)["C-OTT-3"] is None  # back with Ben


def test_a_cover_no_longer_applies_once_the_case_is_reassigned(org, covered):
    case = org["cases"]["C-OTT-3"]
    case.officer = org["officers"]["PO-ANA"]
    case.save()
    assert carriers(org["sites"]["OTT"], DURING)["C-OTT-3"] is None


def test_applying_a_redistribution_plan_records_covers_and_conserves_every_case(org, users):
    ott, absence = org["sites"]["OTT"], org["absence"]
    for i in range(6):
        Case.objects.create(ref=f"C-OTT-B{i}", site=ott, supervision_level="B", language="en",
                            officer=org["officers"]["PO-BEN"], opened=dt.date(2025, 3, 1))  # fmt: skip
    from caseweight.engine.assignment import redistribute_absence

    policy = selectors.distribution_policy()
    plan = redistribute_absence(selectors.site_workload(site=ott, as_of=absence.start), policy, "PO-BEN",
                                absence.start, absence.end).to_dict()  # fmt: skip
    bens = set(Case.objects.filter(officer__code="PO-BEN").values_list("ref", flat=True))
    planned = [a["case"] for a in plan["assignments"]] + [u["case"] for u in plan["unassignable"]]
    assert sorted(planned) == sorted(bens)
    written = services.plan_apply(plan=plan, site_id=ott.pk, user=users["supervisor"], method="redistribution",
                                  absence=absence)  # fmt: skip
    assert len(written) == len(plan["assignments"])
    during = loads(ott, DURING)
    assert during["PO-BEN"] == ([], [])  # nothing left on the absent officer's desk ...
    assert sorted(during["PO-ANA"][1]) == sorted(a["case"] for a in plan["assignments"])  # ... all covered
    assert loads(ott, AFTER)["PO-BEN"] == (sorted(bens), [])
    # The same plan again: the cases are covered already, so it is outdated and writes nothing.
    with pytest.raises(services.PlanOutdated):
        services.plan_apply(plan=plan, site_id=ott.pk, method="redistribution", absence=absence)
    assert Cover.objects.count() == len(written)


def test_covering_cases_show_on_the_colleagues_load_page(client_as, org, covered, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: DURING)
    page = client_as("supervisor").get("/distribution/officers/PO-ANA/").content.decode()
    assert 'data-covering="C-OTT-3"' in page and "Ben Clark" in page


def test_the_site_page_says_how_many_of_an_absent_officers_cases_are_covered(client_as, org, covered, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: DURING)
    page = client_as("supervisor").get("/distribution/sites/OTT/").content.decode()
    assert "1 case covered" in page


def test_the_redistribution_page_shows_the_backfill_the_absence_needs(client_as, org):
    # Ana keeps 33.75 − 31 = 2.75 h a week for cases: 2.75 × 52/12 = 11.92 h a month, below her own
    # 4.17 + 9.08 = 13.25 h. Ben's level C case (1.58 h a month) can only go to her, all of it
    # overflow: 1.58 h a month, × 12/52 × 12/7 = 0.63 h over his 12 days away.
    from caseweight.distribution.models import Reduction

    Reduction.objects.create(officer=org["officers"]["PO-ANA"], hours_per_week=31, reason="training",
                             start=dt.date(2026, 1, 1))  # fmt: skip
    client, url = client_as("supervisor"), f"/distribution/absences/{org['absence'].pk}/redistribute/"
    response = client.get(url)
    page = response.content.decode().replace("&#x27;", "'")
    assert "1.6 h a month: 0.6 h over the absence's 12 days" in page
    assert "come back to Ben Clark by themselves" in page
    applied = client.post(url, {"plan": response.context["plan_json"]}, follow=True).content.decode()
    assert "1 case covered until" in applied


def test_the_redistribution_page_lists_the_cases_already_covered_and_words_the_others_reasons(client_as, org, covered):
    ott, ben = org["sites"]["OTT"], org["officers"]["PO-BEN"]
    Case.objects.create(ref="C-OTT-4", site=ott, supervision_level="B", language="en", officer=ben,
                        opened=dt.date(2025, 3, 1))  # fmt: skip
    Cover.objects.create(case=Case.objects.get(ref="C-OTT-4"), officer=org["officers"]["PO-ANA"], absence=org["absence"])
    moved = Case.objects.create(ref="C-OTT-5", site=ott, supervision_level="B", language="en",
                                officer=org["officers"]["PO-ANA"], opened=dt.date(2025, 3, 1))  # fmt: skip
    moved.officer = ben  # Ana had it before: continuity
    moved.save()
    response = client_as("supervisor").get(f"/distribution/absences/{org['absence'].pk}/redistribute/")
    page = response.content.decode()
    assert '<li data-case="C-OTT-3">C-OTT-3 → Ana Tremblay' in page and '<li data-case="C-OTT-4">' in page
    row = page[page.index('<tr data-case="C-OTT-5">'):].split("</tr>")[0]
    assert "Ana Tremblay" in row and "former officer of this case (continuity)" in row


def test_the_redistribution_page_of_an_absence_already_covered_says_there_is_nothing_to_move(client_as, org, covered):
    response = client_as("supervisor").get(f"/distribution/absences/{org['absence'].pk}/redistribute/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<li data-case="C-OTT-3">C-OTT-3 → Ana Tremblay' in page and "Nothing to move." in page
