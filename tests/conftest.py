"""Shared fixtures: a small organisation and one account per role.

Ontario (ONT): KIN, a hybrid medium/maximum institution, and OTT, a parole office.
Quebec (QUE): MTL, a parole office, in another region from everything the ONT accounts see.
`world` adds something of every kind at each site, this week, for the access tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from caseweight.cases.models import Case
from caseweight.organisation.models import Absence, Officer, Region, Site

PASSWORD = "a-long-test-password-1"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite the test database is a file: Django's in-memory one is shared between threads in
    a mode where a second writer fails at once, without waiting, so no concurrency test could run."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Django's default hasher is slow on purpose (about 0.3 s a password); tests make many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_user_policies(settings, tmp_path):
    """User policies go to a fresh folder (settings.POLICIES_DIR), never the checkout's data folder."""
    settings.POLICIES_DIR = tmp_path / "policies"


@pytest.fixture(autouse=True)
def no_language_left_behind():
    """A French request leaves French active in the thread (LocaleMiddleware does not reset it);
    without this, a later test that makes no request (a command's output) would read French."""
    yield
    translation.deactivate()


@pytest.fixture
def password():
    """The password of every account the `users` fixture makes."""
    return PASSWORD


@pytest.fixture
def org(db):
    ont = Region.objects.get(code="ONT")
    que = Region.objects.get(code="QUE")
    kin = Site.objects.create(code="KIN", name="Kingston Institution", region=ont, kind="institution",
                              security_levels="medium;maximum", languages="en;fr")
    ott = Site.objects.create(code="OTT", name="Ottawa Parole Office", region=ont, kind="parole_office",
                              languages="en;fr")
    mtl = Site.objects.create(code="MTL", name="Bureau de libération conditionnelle de Montréal", region=que,
                              kind="parole_office", languages="fr;en")
    ana = Officer.objects.create(code="PO-ANA", name="Ana Tremblay", site=ott, role="po", fte=Decimal("1.000"),
                                 languages="en;fr", specialisations="indigenous")
    ben = Officer.objects.create(code="PO-BEN", name="Ben Clark", site=ott, role="po", fte=Decimal("0.800"),
                                 languages="en")
    kim = Officer.objects.create(code="PO-KIM", name="Kim Nguyen", site=kin, role="po", fte=Decimal("1.000"),
                                 languages="en")
    eloise = Officer.objects.create(code="PO-ELO", name="Éloïse Gagné", site=mtl, role="po", fte=Decimal("1.000"),
                                    languages="fr")
    opened = dt.date(2025, 1, 15)
    cases = [
        Case.objects.create(ref="C-OTT-1", site=ott, supervision_level="A", language="en", officer=ana, opened=opened),
        Case.objects.create(ref="C-OTT-2", site=ott, supervision_level="intensive", language="fr",
                            factors="mental_health;trauma", officer=ana, opened=opened),
        Case.objects.create(ref="C-OTT-3", site=ott, supervision_level="C", language="en", officer=ben, opened=opened),
        Case.objects.create(ref="C-KIN-1", site=kin, security_level="maximum", language="en", officer=kim, opened=opened),
        Case.objects.create(ref="C-KIN-2", site=kin, security_level="medium", language="en", officer=kim, opened=opened),
        Case.objects.create(ref="C-MTL-1", site=mtl, supervision_level="B", language="fr", officer=eloise, opened=opened),
    ]
    absence = Absence.objects.create(officer=ben, kind="annual", start=dt.date(2026, 7, 6), end=dt.date(2026, 7, 17))
    return {
        "regions": {"ONT": ont, "QUE": que},
        "sites": {"KIN": kin, "OTT": ott, "MTL": mtl},
        "officers": {"PO-ANA": ana, "PO-BEN": ben, "PO-KIM": kim, "PO-ELO": eloise},
        "cases": {case.ref: case for case in cases},
        "absence": absence,
    }


@pytest.fixture
def users(org, django_user_model):
    """One account per role, all scoped to Ontario / OTT except the national ones."""
    make = django_user_model.objects.create_user
    return {
        "officer": make("officer", password=PASSWORD, role="officer", officer=org["officers"]["PO-ANA"]),
        "supervisor": make("supervisor", password=PASSWORD, role="supervisor", site=org["sites"]["OTT"], is_staff=True),
        "regional_manager": make("regional", password=PASSWORD, role="regional_manager", region=org["regions"]["ONT"],
                                 is_staff=True),
        "national_analyst": make("analyst", password=PASSWORD, role="national_analyst", is_staff=True),
        "union_analyst": make("union", password=PASSWORD, role="union_analyst"),
    }


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


# --- hostile policy files (issue 9): each with the refusal it must get, from the engine, the upload
# page and the command line alike ------------------------------------------------------------------

_POLICY_HEAD = b'extends = "csc-current"\nversion = "1"\n'
HOSTILE_POLICIES = {
    "a 5,000-digit number": (_POLICY_HEAD + b"[ratios.institution]\nminimum = " + b"7" * 5000 + b"\n",
                             "(file): a number on line 4 has too many digits (more than 4300)"),
    "arrays nested 50,000 deep": (_POLICY_HEAD + b"deep = " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
                                  "(file): not a policy: arrays or tables nested too deeply"),
    "tables nested 50,000 deep": (_POLICY_HEAD + b"deep = " + b"{a=" * 50_000 + b"1" + b"}" * 50_000 + b"\n",
                                  "(file): not a policy: arrays or tables nested too deeply"),
    "1e308 minutes": (_POLICY_HEAD + b"[activities.community_contact]\nminutes = 1e308\n",
                      "activities.community_contact.minutes: too large: at most 2,400 minutes (a 40-hour week) "
                      "each time, got 1e+308"),
    "an infinite ratio": (_POLICY_HEAD + b"[ratios.institution]\nminimum = inf\n",
                          "ratios.institution.minimum: must be a finite number, got inf"),
    "a share that is not a number": (_POLICY_HEAD + b"[other_duties]\nshare = nan\n",
                                     "other_duties.share: must be a finite number, got nan"),
    "a 400-digit integer": (_POLICY_HEAD + b"[ratios]\nccc = 1" + b"0" * 399 + b"\n",
                            "ratios.ccc: too large: at most 1,000 cases per officer, got a number of 400 digits"),
    "Latin-1 text": (_POLICY_HEAD + 'title_fr = "Scénario"\n'.encode("latin-1"),
                     "(file): not UTF-8 text (byte 0xe9 on line 3)"),
    "prose, not TOML": (b"Ratios should be lower.\n", "(file): not valid TOML: "),
}  # fmt: skip


@pytest.fixture(params=list(HOSTILE_POLICIES), ids=list(HOSTILE_POLICIES))
def hostile_policy(request) -> tuple[bytes, str]:
    """(content, the start of its one refusal) for each hostile policy file."""
    return HOSTILE_POLICIES[request.param]
