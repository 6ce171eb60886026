"""Distribution pages: who may open what, and what a supervisor does there."""

from __future__ import annotations

import datetime as dt

import pytest

from caseweight.audit.models import AuditEntry
from caseweight.cases.models import Case
from caseweight.distribution.models import Assignment, ComplexityAssessment, Cover, Reduction


@pytest.fixture
def new_case(org):
    return Case.objects.create(ref="C-OTT-NEW", site=org["sites"]["OTT"], supervision_level="B", language="en",
                               opened=dt.date(2025, 6, 1))  # fmt: skip


def test_a_supervisor_sees_every_officers_utilisation_as_a_chart_and_a_table(client_as, org):
    page = client_as("supervisor").get("/distribution/sites/OTT/").content.decode()
    assert 'id="utilisation-chart"' in page and 'role="img"' in page
    assert 'data-officer="PO-ANA"' in page and 'data-officer="PO-BEN"' in page


def test_a_supervisor_cannot_open_another_sites_workload(client_as, org):
    assert client_as("supervisor").get("/distribution/sites/KIN/").status_code == 403


def test_an_officer_sees_their_own_load_and_cases(client_as, org):
    client = client_as("officer")
    assert client.get("/distribution/sites/OTT/").status_code == 302
    page = client.get("/distribution/officers/PO-ANA/").content.decode()
    assert 'data-case="C-OTT-1"' in page and 'data-case="C-OTT-2"' in page


def test_an_officer_cannot_see_another_officers_cases(client_as, org):
    assert client_as("officer").get("/distribution/officers/PO-BEN/").status_code == 403


def test_a_union_analyst_may_not_open_an_officers_workload(client_as, org):
    client = client_as("union_analyst")
    for code in ("PO-ANA", "PO-BEN"):
        response = client.get(f"/distribution/officers/{code}/")
        assert response.status_code == 403
        assert org["officers"][code].name not in response.content.decode()
    assert client.get("/distribution/sites/OTT/recommend/").status_code == 403


def test_a_union_analyst_sees_a_sites_counts_and_totals_but_no_officer(client_as, org):
    page = client_as("union_analyst").get("/distribution/sites/OTT/").content.decode()
    for secret in ("Ana Tremblay", "Ben Clark", "PO-ANA", "PO-BEN", "C-OTT", 'id="utilisation-chart"', "data-officer"):
        assert secret not in page
    # Ana 13.25 h a month of cases, Ben 1.58 h; capacity 37.5 h × FTE × 0.9 × 52 / 12: 146.25 h + 117 h.
    totals = page[page.index('id="site-load-totals"'):]
    assert 'id="officer-count">2<' in totals and 'id="officer-fte">1.80<' in totals
    assert ">14.8<" in totals and ">263.3<" in totals and ">6%<" in totals
    assert 'id="aggregates-only"' in page


def test_the_overview_counts_officers_by_region(client_as, org):
    page = client_as("national_analyst").get("/distribution/").content.decode()
    assert 'data-region="ONT"' in page and 'data-region="QUE"' in page


def test_a_union_analyst_reads_each_regions_officers_and_fte_on_the_overview(client_as, org):
    page = client_as("union_analyst").get("/distribution/").content.decode()
    ontario = page[page.index('data-region="ONT"'):page.index('data-region="QUE"')]
    # Ana 1.0, Ben 0.8 (OTT) and Kim 1.0 (KIN); Éloïse 1.0 in Quebec; 3.8 in all.
    assert '<td class="num">3</td>' in ontario and '<td class="num fte">2.80</td>' in ontario
    assert '<td class="num fte">3.80</td>' in page[page.index('class="national-total"'):]


def test_a_supervisor_confirms_a_recommended_officer_and_it_is_recorded(client_as, org, users, new_case):
    client = client_as("supervisor")
    page = client.get("/distribution/sites/OTT/recommend/C-OTT-NEW/").content.decode()
    assert "takes Ana Tremblay from" in page
    response = client.post("/distribution/sites/OTT/recommend/C-OTT-NEW/", {"officer": "PO-BEN", "rank": "2"})
    assert response.status_code == 302
    new_case.refresh_from_db()
    assert new_case.officer.code == "PO-BEN"
    record = Assignment.objects.get(case=new_case)
    assert (record.officer.code, record.assigned_by, record.method) == ("PO-BEN", users["supervisor"], "manual")
    assert AuditEntry.objects.filter(entity="assignment").exists()
    assert AuditEntry.objects.filter(entity="case", entity_key="C-OTT-NEW", action="update").exists()


def test_the_second_supervisor_is_told_the_case_was_just_assigned(client_as, org, new_case):
    client = client_as("supervisor")
    client.post("/distribution/sites/OTT/recommend/C-OTT-NEW/", {"officer": "PO-ANA", "rank": "1"})
    response = client.post("/distribution/sites/OTT/recommend/C-OTT-NEW/", {"officer": "PO-BEN", "rank": "1"}, follow=True)
    assert "was just assigned" in response.content.decode()
    new_case.refresh_from_db()
    assert new_case.officer.code == "PO-ANA"
    assert Assignment.objects.filter(case=new_case).count() == 1


def test_an_officer_cannot_assign_cases(client_as, org, new_case):
    assert client_as("officer").get("/distribution/sites/OTT/recommend/").status_code == 403


def test_a_supervisor_previews_and_applies_the_batch_assignment(client_as, org, new_case):
    client = client_as("supervisor")
    response = client.get("/distribution/sites/OTT/assign/")
    plan = response.context["plan_json"]
    assert 'data-case="C-OTT-NEW"' in response.content.decode()
    assert client.post("/distribution/sites/OTT/assign/", {"plan": plan}).status_code == 302
    new_case.refresh_from_db()
    assert new_case.officer is not None
    assert Assignment.objects.get(case=new_case).method == "batch"


def test_a_complexity_assessment_sets_the_case_factors_and_keeps_history(client_as, org, users):
    client = client_as("supervisor")
    page = client.get("/distribution/cases/C-OTT-1/complexity/").content.decode()
    assert "min a month" in page
    client.post("/distribution/cases/C-OTT-1/complexity/", {"factors": ["trauma", "deportation"], "note": "first"})
    client.post("/distribution/cases/C-OTT-1/complexity/", {"factors": ["trauma"], "note": "second"})
    assert Case.objects.get(ref="C-OTT-1").factors == "trauma"
    assert ComplexityAssessment.objects.filter(case__ref="C-OTT-1").count() == 2
    assert client_as("officer").get("/distribution/cases/C-OTT-1/complexity/").status_code == 403


def test_a_supervisor_records_a_reduction_which_lowers_capacity(client_as, org, users):
    client = client_as("supervisor")
    before = client.get("/distribution/officers/PO-ANA/").context["load"].capacity_hours
    response = client.post("/distribution/sites/OTT/reductions/", {
        "officer": "PO-ANA", "hours_per_week": "3", "reason": "union_duties", "start": "2025-01-01", "end": "",
    })  # fmt: skip
    assert response.status_code == 302
    reduction = Reduction.objects.get()
    assert reduction.recorded_by == users["supervisor"]
    assert AuditEntry.objects.filter(entity="reduction").exists()
    after = client.get("/distribution/officers/PO-ANA/").context["load"].capacity_hours
    assert after == pytest.approx(before - 3 * 52 / 12)


def test_an_officer_red_four_weeks_in_a_row_is_in_sustained_overload(org):
    from caseweight.distribution import selectors

    ott = org["sites"]["OTT"]
    Case.objects.bulk_create([
        Case(ref=f"C-OTT-H{i}", site=ott, supervision_level="intensive", language="en", officer=org["officers"]["PO-BEN"],
             factors="mental_health;trauma;siu", opened=dt.date(2025, 1, 1))
        for i in range(40)
    ])  # fmt: skip
    _workload, rows = selectors.site_loads(site=ott, policy=selectors.distribution_policy(), as_of=dt.date(2026, 3, 4))
    ben = next(row for row in rows if row["load"].officer == "PO-BEN")
    ana = next(row for row in rows if row["load"].officer == "PO-ANA")
    assert (ben["status"], ben["sustained"]) == ("red", True)
    assert ana["sustained"] is False


def test_a_supervisor_previews_and_applies_an_absence_redistribution(client_as, org):
    absence = org["absence"]  # Ben, July 2026: his case goes to Ana
    client = client_as("supervisor")
    response = client.get(f"/distribution/absences/{absence.pk}/redistribute/")
    assert 'data-case="C-OTT-3"' in response.content.decode()
    client.post(f"/distribution/absences/{absence.pk}/redistribute/", {"plan": response.context["plan_json"]})
    cover = Cover.objects.get(case__ref="C-OTT-3")
    assert (cover.officer.code, cover.absence, cover.assigned_by.username) == ("PO-ANA", absence, "supervisor")
    assert Case.objects.get(ref="C-OTT-3").officer.code == "PO-BEN"  # his again when he is back


def test_an_outdated_plan_writes_nothing(client_as, org):
    absence = org["absence"]
    client = client_as("supervisor")
    plan = client.get(f"/distribution/absences/{absence.pk}/redistribute/").context["plan_json"]
    Case.objects.filter(ref="C-OTT-3").update(officer=None)
    response = client.post(f"/distribution/absences/{absence.pk}/redistribute/", {"plan": plan}, follow=True)
    assert "changed since the plan was made" in response.content.decode()
    assert not Assignment.objects.exists() and not Cover.objects.exists()


def test_the_admin_shows_a_supervisor_only_their_sites_reductions(client_as, org, users):
    Reduction.objects.create(officer=org["officers"]["PO-ANA"], hours_per_week=2, reason="mentoring", start=dt.date(2026, 1, 1))
    Reduction.objects.create(officer=org["officers"]["PO-KIM"], hours_per_week=2, reason="committee", start=dt.date(2026, 1, 1))
    page = client_as("supervisor").get("/admin/distribution/reduction/")
    assert page.status_code == 200
    assert list(page.context["cl"].queryset.values_list("officer__code", flat=True)) == ["PO-ANA"]
    assert client_as("union_analyst").get("/admin/distribution/reduction/").status_code in (302, 403)


def test_a_plan_page_says_which_method_made_the_plan_and_how_far_from_the_bound(client_as, org, new_case, monkeypatch):
    from caseweight.distribution import views
    from caseweight.engine.assignment import assign_cases

    client = client_as("supervisor")
    page = client.get("/distribution/sites/OTT/assign/").content.decode()
    assert "Plan made by the OR-Tools CP-SAT solver: the best possible." in page  # one case, two officers

    class Unproven:  # a plan the solver could not prove best in its time, 5 points above its bound
        def __init__(self, plan):
            self.plan = plan

        def to_dict(self):
            return {**self.plan.to_dict(), "solver": "greedy", "status": "greedy", "lower_bound": 0.5, "gap": 0.05}

    monkeypatch.setattr(views, "assign_cases", lambda w, p: Unproven(assign_cases(w, p)))
    page = client.get("/distribution/sites/OTT/assign/").content.decode()
    assert "Plan made by the greedy method (the solver gave no better plan in its time). No plan can bring the " \
           "highest utilisation below 50.0%: this one is within 5.0 points of that." in page


def test_case_lists_show_labels_not_codes(client_as, org, new_case):
    Case.objects.filter(pk=new_case.pk).update(factors="mental_health;indigenous_planning", language="fr")
    page = client_as("supervisor").get("/distribution/sites/OTT/recommend/").content.decode()
    assert "<td>French</td><td>mental health, Indigenous case planning</td>" in page


def test_percentages_follow_the_pages_language(client_as, org):
    from django.conf import settings

    client = client_as("supervisor")
    english = client.get("/distribution/sites/OTT/").context
    ana = next(row for row in english["rows"] if row["code"] == "PO-ANA")
    shown = f"{ana['pct']:.0f}"
    assert f'<td class="num utilisation">{shown}%</td>' in client.get("/distribution/sites/OTT/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert f'<td class="num utilisation">{shown}\u00a0%</td>' in client.get("/distribution/sites/OTT/").content.decode()


def test_a_supervisor_ends_a_reduction_and_the_capacity_is_whole_again_after_it(client_as, org, monkeypatch):
    from caseweight.distribution import selectors

    reduction = Reduction.objects.create(officer=org["officers"]["PO-ANA"], hours_per_week=3, reason="phased_return",
                                         start=dt.date(2026, 1, 5))  # fmt: skip
    client = client_as("supervisor")
    assert f'id="end-reduction-{reduction.pk}"' in client.get("/distribution/sites/OTT/reductions/").content.decode()
    response = client.post(f"/distribution/reductions/{reduction.pk}/end/", {"end": "2026-03-06"}, follow=True)
    assert "Reduction ended on" in response.content.decode()
    reduction.refresh_from_db()
    assert reduction.end == dt.date(2026, 3, 6)
    assert AuditEntry.objects.filter(entity="reduction", action="update").exists()
    policy, ott = selectors.distribution_policy(), org["sites"]["OTT"]

    def ana_capacity(as_of):
        workload, rows = selectors.site_loads(site=ott, policy=policy, as_of=as_of)
        return next(row["load"].capacity_hours for row in rows if row["load"].officer == "PO-ANA")

    full = 37.5 * 0.9 * 52 / 12  # 37.5 h × FTE 1 less 10% other duties, a month
    assert ana_capacity(dt.date(2026, 3, 4)) == pytest.approx(full - 3 * 52 / 12)  # its last week
    assert ana_capacity(dt.date(2026, 3, 11)) == pytest.approx(full)
    # Refused: a date before its start, a forged date, another site's reduction.
    assert "before the start" in client.post(f"/distribution/reductions/{reduction.pk}/end/", {"end": "2025-12-01"},
                                             follow=True).content.decode()  # fmt: skip
    assert "as a date" in client.post(f"/distribution/reductions/{reduction.pk}/end/", {"end": "soon"},
                                      follow=True).content.decode()  # fmt: skip
    kims = Reduction.objects.create(officer=org["officers"]["PO-KIM"], hours_per_week=2, reason="committee",
                                    start=dt.date(2026, 1, 1))  # fmt: skip
    assert client.post(f"/distribution/reductions/{kims.pk}/end/", {"end": "2026-03-06"}).status_code == 403
    assert client_as("officer").post(f"/distribution/reductions/{reduction.pk}/end/", {"end": "2026-03-01"}).status_code == 403


def test_a_forged_choice_or_plan_that_breaks_a_hard_rule_writes_nothing(client_as, org):
    """The pages offer only allowed officers; a forged form must not get round the rules."""
    import json

    french = Case.objects.create(ref="C-OTT-FR", site=org["sites"]["OTT"], supervision_level="B", language="fr",
                                 opened=dt.date(2025, 6, 1))  # fmt: skip
    client = client_as("supervisor")
    # Ben speaks no French: not offered for this case, and refused when forged.
    response = client.post("/distribution/sites/OTT/recommend/C-OTT-FR/", {"officer": "PO-BEN", "rank": "2"}, follow=True)
    assert "Case C-OTT-FR may not go to Ben Clark: does not speak French. Nothing was written." in response.content.decode()
    french.refresh_from_db()
    assert french.officer is None and not Assignment.objects.exists()
    # A batch plan edited to send it to Ben.
    plan = json.loads(client.get("/distribution/sites/OTT/assign/").context["plan_json"])
    assert [(a["case"], a["officer"]) for a in plan["assignments"]] == [("C-OTT-FR", "PO-ANA")]
    plan["assignments"][0]["officer"] = "PO-BEN"
    response = client.post("/distribution/sites/OTT/assign/", {"plan": json.dumps(plan)}, follow=True)
    assert "may not go to Ben Clark: does not speak French" in response.content.decode()
    assert Case.objects.get(ref="C-OTT-FR").officer is None
    # A redistribution plan edited to have the absent officer cover his own case.
    absence = org["absence"]
    plan = json.loads(client.get(f"/distribution/absences/{absence.pk}/redistribute/").context["plan_json"])
    plan["assignments"][0]["officer"] = "PO-BEN"
    response = client.post(f"/distribution/absences/{absence.pk}/redistribute/", {"plan": json.dumps(plan)}, follow=True)
    assert "may not go to Ben Clark: absent from" in response.content.decode()
    assert not Cover.objects.exists()


@pytest.mark.parametrize("forged", ["", "not json", "[]", '{"assignments": 3}', '{"assignments": ["C-OTT-1"]}',
                                    '{"assignments": [{"case": "C-OTT-1"}]}'])
def test_a_plan_that_is_not_one_is_refused_with_a_message(client_as, org, forged):
    response = client_as("supervisor").post("/distribution/sites/OTT/assign/", {"plan": forged}, follow=True)
    assert response.status_code == 200
    assert "The plan could not be read. Make it again." in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_utilisation_chart_keeps_plain_numbers_in_french(client_as, org):
    """SVG coordinates must read 123.4, never 123,4, whatever the page's language."""
    import re

    from django.conf import settings

    client = client_as("supervisor")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/distribution/sites/OTT/").content.decode()
    svg = page[page.index('<svg id="utilisation-chart"'):page.index("</svg>")]
    numbers = re.findall(r'\b(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg)
    assert numbers and all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers
    assert "\u00a0%</text>" in svg and ">110\u00a0%</text>" in svg  # the labels stay French
