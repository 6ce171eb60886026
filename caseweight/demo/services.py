"""Loading the demo data set and making the demo accounts (writes; the generator is pure)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from caseweight.accounts.models import User
from caseweight.audit.context import Actor, acting_as
from caseweight.cases.models import Case
from caseweight.imports.report import ImportReport
from caseweight.imports.services import import_tables
from caseweight.organisation.models import Absence, Officer, Region, Site

# A local demo: every demo account has this documented password.
DEMO_PASSWORD = "caseweight-demo"
# The demo supervisor's parole office (Ottawa, over-loaded on purpose) and its region.
DEMO_SITE = "ONT-P01"
DEMO_REGION = "ONT"
DEMO_ACTOR = Actor(None, "demo", "demo")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    scope: str
    password: str


@dataclass(frozen=True)
class Pruned:
    cases: int
    absences: int
    officers: int


def demo_load(*, tables: dict[str, list[dict[str, str]]]) -> tuple[ImportReport, Pruned]:
    """Make the database hold exactly the generated rows at the generated sites.

    The importer adds and updates by key but never deletes. A demo generated on another day
    shifts every absence date, so the previous absences would stay beside the new ones and
    overlap them (the importer rightly refuses that). So, first, the rows at the generated
    sites that this generation does not have are deleted; then everything is imported. One
    transaction: a failure leaves the database as it was. Sites not in `tables` are not touched.
    """
    with acting_as(DEMO_ACTOR), transaction.atomic():
        pruned = _prune(tables)
        report = import_tables(tables=tables, dry_run=False)
    return report, pruned


def _prune(tables: dict[str, list[dict[str, str]]]) -> Pruned:
    site_codes = sorted({row["code"] for row in tables["sites"]})
    refs = {row["ref"] for row in tables["cases"]}
    officer_codes = {row["code"] for row in tables["officers"]}
    absence_keys = {(row["officer"], row["start"]) for row in tables["absences"]}

    stale_cases = [
        pk for pk, ref in Case.objects.filter(site__code__in=site_codes).values_list("pk", "ref") if ref not in refs
    ]
    stale_absences = [
        pk
        for pk, officer, start in Absence.objects.filter(officer__site__code__in=site_codes).values_list(
            "pk", "officer__code", "start"
        )
        if (officer, start.isoformat()) not in absence_keys
    ]
    stale_officers = [
        pk
        for pk, code in Officer.objects.filter(site__code__in=site_codes).values_list("pk", "code")
        if code not in officer_codes
    ]
    # Deleting each record through the ORM sends the signals that write the audit trail and
    # follows the foreign keys of other apps. The related records the audit entry names are
    # fetched with it: a queryset's delete() would fetch them again, row by row.
    for model, pks, related in (
        (Case, stale_cases, ("site", "officer")),
        (Absence, stale_absences, ("officer__site",)),
        (Officer, stale_officers, ("site",)),
    ):
        for start in range(0, len(pks), 500):
            for instance in model.objects.filter(pk__in=pks[start:start + 500]).select_related(*related):
                instance.delete()
    return Pruned(cases=len(stale_cases), absences=len(stale_absences), officers=len(stale_officers))


def demo_covers(*, today) -> int:
    """Colleagues cover the cases of the demo office's officers absent this week, as its supervisor
    would with the redistribution page, so the demo shows covers. Absences already covered are
    left alone. Returns the number of cases covered."""
    from caseweight.distribution import selectors, services
    from caseweight.engine.assignment import redistribute_absence
    from caseweight.engine.workload import week_of

    site = Site.objects.get(code=DEMO_SITE)
    policy = selectors.distribution_policy()
    start, end = week_of(today)
    covered = 0
    absences = Absence.objects.filter(officer__site=site, start__lte=end, end__gte=start, covers__isnull=True)
    with acting_as(DEMO_ACTOR), transaction.atomic():
        for absence in absences.select_related("officer").order_by("start", "pk"):
            workload = selectors.site_workload(site=site, as_of=today, absences_through=absence.end)
            if absence.officer.code not in {o.code for o in workload.officers}:
                continue  # carries no caseload
            plan = redistribute_absence(workload, policy, absence.officer.code, absence.start, absence.end,
                                        time_limit=1.0).to_dict()  # fmt: skip
            covered += len(services.plan_apply(plan=plan, site_id=site.pk, method="redistribution", absence=absence))
    return covered


def demo_accounts_reset() -> list[DemoAccount]:
    """One account per role, created or reset (password included) on every run."""
    site = Site.objects.get(code=DEMO_SITE)
    region = Region.objects.get(code=DEMO_REGION)
    officer = _demo_officer(site)
    plans = [
        ("demo-officer", "officer", {"officer": officer}, f"officer {officer.code} {officer.name}, {site.name}"),
        ("demo-supervisor", "supervisor", {"site": site, "is_staff": True}, f"site {site.code} {site.name}"),
        ("demo-regional", "regional_manager", {"region": region, "is_staff": True},
         f"region {region.code} {region.name}"),
        ("demo-analyst", "national_analyst", {"is_staff": True}, "every region and site"),
        ("demo-union", "union_analyst", {}, "aggregates only, every region and site"),
    ]
    accounts = []
    with acting_as(DEMO_ACTOR), transaction.atomic():
        for username, role, links, scope in plans:
            fields = {"role": role, "officer": None, "site": None, "region": None, "is_staff": False,
                      "is_superuser": False, "is_active": True, **links}
            if role == "officer":
                first, _space, last = officer.name.partition(" ")
                fields.update(first_name=first, last_name=last)
            user, _created = User.objects.update_or_create(username=username, defaults=fields)
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            accounts.append(DemoAccount(username, role, scope, DEMO_PASSWORD))
    return accounts


def _demo_officer(site: Site) -> Officer:
    """The first PO of the demo office with cases, and no account other than the demo one."""
    candidates = Officer.objects.filter(site=site, role="po", cases__closed__isnull=True).distinct().order_by("code")
    for officer in candidates.select_related("user"):
        holder = getattr(officer, "user", None)
        if holder is None or holder.username == "demo-officer":
            return officer
    raise Officer.DoesNotExist(f"no parole officer with cases and no account at {site.code}")
