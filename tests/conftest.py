"""Shared fixtures: a small organisation and one account per role.

Ontario (ONT): KIN, a hybrid medium/maximum institution, and OTT, a parole office.
Quebec (QUE): MTL, a parole office, in another region from everything the ONT accounts see.
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
