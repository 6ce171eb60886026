"""Every site's workload at once: `site_workloads` builds them with a fixed number of queries,
`site_workload` is one site of it, and the national overview's `status_counts` reads this week in
bulk (and the past weeks only where someone is red). Dates: the week of Wednesday 8 July 2026
(6–12 July), while Ben is absent 6–17 July (the `org` fixture)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from caseweight.cases.models import Case
from caseweight.distribution import selectors
from caseweight.distribution.models import Assignment, CaseFlag, Cover, Reduction
from caseweight.engine import workload as wl
from caseweight.organisation.models import Absence, Officer, Region, Site

AS_OF = dt.date(2026, 7, 8)
WEEK = (dt.date(2026, 7, 6), dt.date(2026, 7, 12))


@pytest.fixture
def busy(org, users):
    """Reductions in and out of force, flags counted and not, a chained cover (Ben's case to Ana,
    then to Cal while Ana is off too), a reassignment, cases closed, not yet opened, unassigned,
    and held by an officer of another site."""
    ott, kin = org["sites"]["OTT"], org["sites"]["KIN"]
    ana, ben, kim = (org["officers"][code] for code in ("PO-ANA", "PO-BEN", "PO-KIM"))
    cal = Officer.objects.create(code="PO-CAL", name="Cal Roy", site=ott, role="po", fte=Decimal("0.500"), languages="fr")
    Officer.objects.create(code="PO-SUP", name="Sue Park", site=ott, role="pos", languages="en")  # carries no cases
    ana_off = Absence.objects.create(officer=ana, kind="sick", start=dt.date(2026, 7, 8), end=dt.date(2026, 7, 9))
    Absence.objects.create(officer=ana, kind="training", start=dt.date(2026, 7, 13), end=dt.date(2026, 7, 14))  # next week
    Reduction.objects.create(officer=ana, hours_per_week=Decimal("3.0"), reason="union_duties", start=dt.date(2026, 1, 1))
    Reduction.objects.create(officer=ana, hours_per_week=Decimal("2.0"), reason="mentoring", start=dt.date(2026, 1, 1),
                             end=dt.date(2026, 7, 3))  # fmt: skip
    Reduction.objects.create(officer=ben, hours_per_week=Decimal("2.5"), reason="training", start=dt.date(2026, 7, 10),
                             end=dt.date(2026, 7, 31))  # fmt: skip
    Reduction.objects.create(officer=kim, hours_per_week=Decimal("1.5"), reason="committee", start=dt.date(2026, 6, 1),
                             end=dt.date(2026, 7, 6))  # fmt: skip
    cases = org["cases"]
    raiser = users["supervisor"]
    # Two approvals on C-OTT-2: 1.25 h decided on 3 June, then 4.50 h on 20 June (created in the other
    # order). The later decision counts, not the sum nor the last created; a request and a decline do not.
    decided = {"approved": dt.datetime(2026, 6, 20, 9, tzinfo=dt.timezone.utc),
               "changed": dt.datetime(2026, 6, 3, 9, tzinfo=dt.timezone.utc)}  # fmt: skip
    for state, asked, approved in (("approved", "4.50", "4.50"), ("changed", "3.00", "1.25"), ("requested", "10", None),
                                   ("declined", "8", None)):  # fmt: skip
        CaseFlag.objects.create(case=cases["C-OTT-2"], raised_by=raiser, hours_requested=Decimal(asked), reason="r",
                                state=state, approved_hours=None if approved is None else Decimal(approved),
                                decided_at=decided.get(state))  # fmt: skip
    CaseFlag.objects.create(case=cases["C-KIN-1"], raised_by=raiser, hours_requested=Decimal("2"), reason="r",
                            state="approved", approved_hours=Decimal("2"))  # fmt: skip
    Cover.objects.create(case=cases["C-OTT-3"], officer=ana, absence=org["absence"])
    Cover.objects.create(case=cases["C-OTT-3"], officer=cal, absence=ana_off)
    Assignment.objects.create(case=cases["C-OTT-1"], officer=ana, from_officer=ben, method="manual")
    Assignment.objects.create(case=cases["C-KIN-2"], officer=kim, method="manual")  # given to its current officer
    opened = dt.date(2025, 1, 15)
    Case.objects.create(ref="C-OTT-4", site=ott, supervision_level="A", officer=ben, opened=opened, closed=dt.date(2026, 7, 1))
    Case.objects.create(ref="C-OTT-5", site=ott, supervision_level="A", officer=ben, opened=dt.date(2026, 7, 20))
    Case.objects.create(ref="C-OTT-6", site=ott, supervision_level="B", language="fr", opened=dt.date(2026, 6, 1))
    Case.objects.create(ref="C-OTT-7", site=ott, supervision_level="D", officer=ben, opened=opened, closed=dt.date(2026, 7, 10))
    Case.objects.create(ref="C-OTT-8", site=ott, supervision_level="A", officer=kim, opened=opened)
    Case.objects.create(ref="C-KIN-0", site=kin, security_level="minimum", factors="far_from_home", officer=kim,
                        opened=AS_OF)  # fmt: skip
    return org


def expected() -> dict[str, wl.SiteWorkload]:
    """Worked out by hand from the `busy` data."""
    return {
        "OTT": wl.SiteWorkload(
            site="OTT",
            kind="parole_office",
            officers=(
                wl.Officer(code="PO-ANA", fte=1.0, languages=frozenset({"en", "fr"}), specialisations=frozenset({"indigenous"}),
                           absences=(wl.Absence(dt.date(2026, 7, 8), dt.date(2026, 7, 9), "sick"),),
                           reductions=(wl.Reduction(3.0, "union", dt.date(2026, 1, 1), None),)),
                wl.Officer(code="PO-BEN", fte=0.8, languages=frozenset({"en"}),
                           absences=(wl.Absence(dt.date(2026, 7, 6), dt.date(2026, 7, 17), "annual"),),
                           reductions=(wl.Reduction(2.5, "training", dt.date(2026, 7, 10), dt.date(2026, 7, 31)),)),
                wl.Officer(code="PO-CAL", fte=0.5, languages=frozenset({"fr"})),
            ),  # fmt: skip
            cases=(
                wl.Case(ref="C-OTT-1", level="A", language="en", officer="PO-ANA", former_officers=("PO-BEN",)),
                wl.Case(ref="C-OTT-2", level="intensive", language="fr", factors=frozenset({"mental_health", "trauma"}),
                        officer="PO-ANA", extra_hours=4.5),
                wl.Case(ref="C-OTT-3", level="C", language="en", officer="PO-BEN", covered_by="PO-CAL"),
                wl.Case(ref="C-OTT-6", level="B", language="fr", officer=None),
                wl.Case(ref="C-OTT-7", level="D", language="en", officer="PO-BEN"),
                wl.Case(ref="C-OTT-8", level="A", language="en", officer=None),  # Kim is not one of OTT's officers
            ),  # fmt: skip
            period=WEEK,
        ),
        "KIN": wl.SiteWorkload(
            site="KIN",
            kind="institution",
            officers=(
                wl.Officer(code="PO-KIM", fte=1.0, languages=frozenset({"en"}),
                           reductions=(wl.Reduction(1.5, "committee", dt.date(2026, 6, 1), dt.date(2026, 7, 6)),)),
            ),  # fmt: skip
            cases=(
                wl.Case(ref="C-KIN-0", level="minimum", language="en", factors=frozenset({"far_from_home"}),
                        officer="PO-KIM"),
                wl.Case(ref="C-KIN-1", level="maximum", language="en", officer="PO-KIM", extra_hours=2.0),
                wl.Case(ref="C-KIN-2", level="medium", language="en", officer="PO-KIM"),
            ),  # fmt: skip
            period=WEEK,
        ),
        "MTL": wl.SiteWorkload(
            site="MTL",
            kind="parole_office",
            officers=(wl.Officer(code="PO-ELO", fte=1.0, languages=frozenset({"fr"})),),
            cases=(wl.Case(ref="C-MTL-1", level="B", language="fr", officer="PO-ELO"),),
            period=WEEK,
        ),
    }


def test_every_sites_workload_in_bulk_is_what_was_worked_out(busy):
    sites = busy["sites"]
    bulk = selectors.site_workloads(sites=sites.values(), as_of=AS_OF)
    assert set(bulk) == {site.pk for site in sites.values()}
    for code, want in expected().items():
        assert bulk[sites[code].pk] == want, code
        assert selectors.site_workload(site=sites[code], as_of=AS_OF) == want, code  # one site: the same path


def test_without_history_only_the_former_officers_are_left_out(busy):
    sites = busy["sites"]
    bulk = selectors.site_workloads(sites=sites.values(), as_of=AS_OF, with_history=False)
    for code, want in expected().items():
        assert bulk[sites[code].pk] == want.with_cases(replace(c, former_officers=()) for c in want.cases)


def test_a_week_later_the_covers_and_closed_cases_have_gone(busy):
    ott = busy["sites"]["OTT"]
    workload = selectors.site_workloads(sites=[ott], as_of=dt.date(2026, 7, 15))[ott.pk]
    assert [c.ref for c in workload.cases] == ["C-OTT-1", "C-OTT-2", "C-OTT-3", "C-OTT-6", "C-OTT-8"]
    assert {c.ref: c.covered_by for c in workload.cases}["C-OTT-3"] == "PO-ANA"  # Ana is back, Ben still away
    assert workload.officer("PO-ANA").absences == (wl.Absence(dt.date(2026, 7, 13), dt.date(2026, 7, 14), "training"),)
    assert workload.officer("PO-ANA").reductions == (wl.Reduction(3.0, "union", dt.date(2026, 1, 1), None),)
    assert workload.officer("PO-BEN").reductions == (wl.Reduction(2.5, "training", dt.date(2026, 7, 10), dt.date(2026, 7, 31)),)


def test_the_past_weeks_built_for_some_officers_only_give_them_the_same_loads(busy):
    """status_counts builds the past weeks with the red officers alone: their loads must not change."""
    from caseweight.engine.load import officer_loads

    policy, sites = selectors.distribution_policy(), list(busy["sites"].values())
    some = {"PO-ANA", "PO-CAL", "PO-KIM"}  # Cal carries Ben's case by the chained cover, Ana her own cases
    full = selectors.site_workloads(sites=sites, as_of=AS_OF, with_history=False)
    part = selectors._site_workloads(sites=sites, as_of=AS_OF, with_history=False, only_officers=some)
    for site in sites:
        want = {load.officer: load for load in officer_loads(full[site.pk], policy) if load.officer in some}
        assert {load.officer: load for load in officer_loads(part[site.pk], policy)} == want
    assert [c.ref for c in part[busy["sites"]["OTT"].pk].cases] == ["C-OTT-1", "C-OTT-2", "C-OTT-3"]


def test_no_site_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.site_workloads(sites=[]) == {}


# --- status counts -------------------------------------------------------------------------------

MARCH = dt.date(2026, 3, 4)  # a Wednesday; its week starts on Monday 2 March


def heavy_cases(site, officer, prefix: str, n: int = 40, opened=dt.date(2025, 1, 1)):
    level = {"security_level": "maximum"} if site.kind == "institution" else {"supervision_level": "intensive"}
    Case.objects.bulk_create([
        Case(ref=f"{prefix}{i}", site=site, **level, language="en", officer=officer,
             factors="mental_health;trauma;siu", opened=opened)
        for i in range(n)
    ])  # fmt: skip


def summed_site_loads(sites, as_of) -> dict[int, dict]:
    policy = selectors.distribution_policy()
    out: dict[int, dict] = {}
    for site in sites:
        entry = out.setdefault(site.region_id, {"officers": 0, "fte": 0.0, "amber": 0, "red": 0, "sustained": 0})
        for row in selectors.site_loads(site=site, policy=policy, as_of=as_of)[1]:
            entry["officers"] += 1
            entry["fte"] += float(Officer.objects.get(code=row["load"].officer).fte)
            if row["status"] in ("amber", "red"):
                entry[row["status"]] += 1
            entry["sustained"] += row["sustained"]
    return out


def test_status_counts_are_the_sum_of_each_sites_loads_with_a_sustained_overload(org):
    """Ben has been red for weeks (sustained); Kim is red only since his cases came this week (not
    sustained); Cal, covering nobody, is fine; Ana's cover of one of Ben's cases adds to her load."""
    ott, kin = org["sites"]["OTT"], org["sites"]["KIN"]
    heavy_cases(ott, org["officers"]["PO-BEN"], "C-OTT-H")
    heavy_cases(kin, org["officers"]["PO-KIM"], "C-KIN-H", opened=dt.date(2026, 3, 2))
    Officer.objects.create(code="PO-CAL", name="Cal Roy", site=ott, role="po", fte=Decimal("0.500"), languages="fr")
    ben_off = Absence.objects.create(officer=org["officers"]["PO-BEN"], kind="sick", start=dt.date(2026, 2, 16),
                                     end=dt.date(2026, 2, 17))  # fmt: skip
    Cover.objects.create(case=org["cases"]["C-OTT-3"], officer=org["officers"]["PO-ANA"], absence=ben_off)
    sites = Site.objects.filter(code__in=["KIN", "OTT", "MTL"])
    counts = selectors.status_counts(sites=sites, policy=selectors.distribution_policy(), as_of=MARCH)
    ont, que = org["regions"]["ONT"].pk, org["regions"]["QUE"].pk
    assert {region: counts[region]["officers"] for region in counts} == {ont: 4, que: 1}
    assert (counts[ont]["red"], counts[ont]["sustained"]) == (2, 1)
    assert (counts[que]["red"], counts[que]["sustained"]) == (0, 0)
    assert {region: dict(entry) for region, entry in counts.items()} == summed_site_loads(sites, MARCH)
    rows = {row["load"].officer: row for row in selectors.site_loads(site=kin, policy=selectors.distribution_policy(),
                                                                      as_of=MARCH)[1]}  # fmt: skip
    assert (rows["PO-KIM"]["status"], rows["PO-KIM"]["sustained"]) == ("red", False)


def test_status_counts_with_nobody_red_reads_no_past_week(org, django_assert_num_queries):
    sites = Site.objects.all()
    with django_assert_num_queries(1 + 6):  # the sites, then one query a table for this week
        counts = selectors.status_counts(sites=sites, policy=selectors.distribution_policy(), as_of=MARCH)
    assert {region: dict(entry) for region, entry in counts.items()} == summed_site_loads(sites, MARCH)
    assert sum(entry["red"] for entry in counts.values()) == 0


def make_sites(n: int) -> list[Site]:
    """`n` parole offices, each with a red officer (for weeks), one who is fine, cases and an absence."""
    ont = Region.objects.get(code="ONT")
    sites = []
    for i in range(n):
        site = Site.objects.create(code=f"X{i:02}", name=f"Office {i}", region=ont, kind="parole_office", languages="en")
        red = Officer.objects.create(code=f"PO-X{i:02}-R", name="Red", site=site, role="po")
        fine = Officer.objects.create(code=f"PO-X{i:02}-F", name="Fine", site=site, role="po")
        heavy_cases(site, red, f"C-X{i:02}-H", n=40)
        Case.objects.create(ref=f"C-X{i:02}-1", site=site, supervision_level="A", officer=fine, opened=dt.date(2025, 1, 1))
        Absence.objects.create(officer=fine, kind="annual", start=dt.date(2026, 2, 23), end=dt.date(2026, 2, 27))
        Reduction.objects.create(officer=fine, hours_per_week=Decimal("1"), reason="training", start=dt.date(2026, 1, 1))
        sites.append(site)
    return sites


def test_status_counts_reads_as_many_times_for_3_sites_as_for_10(db):
    sites = make_sites(10)
    policy = selectors.distribution_policy()
    queries = {}
    for n in (3, 10):
        chosen = Site.objects.filter(pk__in=[site.pk for site in sites[:n]])
        with CaptureQueriesContext(connection) as ctx:
            counts = selectors.status_counts(sites=chosen, policy=policy, as_of=MARCH)
        queries[n] = len(ctx.captured_queries)
        (entry,) = counts.values()
        assert (entry["officers"], entry["red"], entry["sustained"]) == (2 * n, n, n)
        assert {region: dict(e) for region, e in counts.items()} == summed_site_loads(chosen, MARCH)
    # The sites; this week, one query a table; the 3 past weeks, the same and who held the cases then.
    assert queries[3] == queries[10] == 1 + 6 + 7 * 3


def test_the_overview_page_totals_the_regions_and_marks_the_overloaded_sites(client_as, org, monkeypatch):
    """Same week as above: Ben (OTT) red and sustained, Kim (KIN) red since this week."""
    heavy_cases(org["sites"]["OTT"], org["officers"]["PO-BEN"], "C-OTT-H")
    heavy_cases(org["sites"]["KIN"], org["officers"]["PO-KIM"], "C-KIN-H", opened=dt.date(2026, 3, 2))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: MARCH)
    page = client_as("national_analyst").get("/distribution/").content.decode()
    total = page[page.index('<tr class="national-total">'):]
    cells = [cell for cell in total.split("</tr>")[0].split('<td class="num')[1:]]
    # Officers: Ana, Ben, Kim (Ontario) + Éloïse (Quebec) = 4, 3.8 FTE; red: Ben, Kim; sustained: Ben.
    assert [cell.split(">")[1].split("<")[0] for cell in cells] == ["4", "3.80", "0", "2", "1"]
    assert 'data-site="OTT">OTT</a> <span class="status-red red-officers"' in page
    assert 'sustained-officers" title="officers in sustained overload">1!</span>' in page
    assert 'data-site="MTL">MTL</a>, ' in page or 'data-site="MTL">MTL</a></td>' in page  # nobody red there
    regional = client_as("regional_manager").get("/distribution/").content.decode()
    assert "national-total" not in regional  # one region: its row is the total


def test_past_weeks_give_each_case_to_the_officer_who_had_it_then(org):
    """Ana is given 40 heavy cases on 4 March: red that week, but not before, so not sustained,
    by the assignment history. With the same cases hers since January she would be."""
    from caseweight.distribution.models import Assignment

    ott, ana = org["sites"]["OTT"], org["officers"]["PO-ANA"]
    heavy_cases(ott, ana, "C-OTT-H")
    given = Assignment.objects.bulk_create([
        Assignment(case=case, officer=ana, method="batch") for case in Case.objects.filter(ref__startswith="C-OTT-H")
    ])  # fmt: skip
    at = lambda day: timezone.make_aware(dt.datetime.combine(day, dt.time(10)))  # noqa: E731
    Assignment.objects.filter(pk__in=[a.pk for a in given]).update(at=at(MARCH))
    policy = selectors.distribution_policy()

    def ana_row(as_of):
        return next(row for row in selectors.site_loads(site=ott, policy=policy, as_of=as_of)[1]
                    if row["load"].officer == "PO-ANA")  # fmt: skip

    assert (ana_row(MARCH)["status"], ana_row(MARCH)["sustained"]) == ("red", False)
    week_before = selectors._site_workloads(sites=[ott], as_of=MARCH - dt.timedelta(weeks=1), with_history=False,
                                            as_held_then=True)[ott.pk]  # fmt: skip
    assert {c.officer for c in week_before.cases if c.ref.startswith("C-OTT-H")} == {None}  # not hers yet
    counts = selectors.status_counts(sites=Site.objects.filter(code="OTT"), policy=policy, as_of=MARCH)
    assert (counts[ott.region_id]["red"], counts[ott.region_id]["sustained"]) == (1, 0)
    Assignment.objects.filter(pk__in=[a.pk for a in given]).update(at=at(dt.date(2026, 1, 5)))
    assert ana_row(MARCH)["sustained"] is True
    counts = selectors.status_counts(sites=Site.objects.filter(code="OTT"), policy=policy, as_of=MARCH)
    assert counts[ott.region_id]["sustained"] == 1


def test_past_weeks_count_the_flag_hours_of_their_own_day(org, users):
    """A flag approved on 2 March counts from then, not in February; one ended on 20 February
    counted until then; one replaced on 1 February by another counted until then."""
    case = org["cases"]["C-OTT-2"]
    at = lambda day: timezone.make_aware(dt.datetime.combine(day, dt.time(10)))  # noqa: E731
    raiser = users["officer"]

    def flag(hours, state, decided, ended=None):
        CaseFlag.objects.create(case=case, raised_by=raiser, hours_requested=hours, reason="r", state=state,
                                approved_hours=hours, decided_at=at(decided), ended_at=ended and at(ended))  # fmt: skip

    flag(Decimal("1"), "replaced", dt.date(2026, 1, 5), ended=dt.date(2026, 2, 1))
    flag(Decimal("2"), "ended", dt.date(2026, 2, 1), ended=dt.date(2026, 2, 20))
    flag(Decimal("4"), "approved", dt.date(2026, 3, 2))
    on = lambda day: selectors.approved_flag_hours(cases=[case.pk], on=day).get(case.pk, 0.0)  # noqa: E731
    assert [on(dt.date(2026, 1, 20)), on(dt.date(2026, 2, 10)), on(dt.date(2026, 2, 25)), on(MARCH)] == [1, 2, 0, 4]
    assert selectors.approved_flag_hours(cases=[case.pk]) == {case.pk: 4.0}  # today: the one that counts
