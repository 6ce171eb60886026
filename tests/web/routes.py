"""Every route of the app, with the objects to open it on: one of each site (OTT, KIN, MTL), so
that each role meets an object in its scope and one outside it (tests/web/conftest.py `world`).

`requests(world)` gives every (method, url) to try. tests/web/test_access_content.py checks that it
names every route Django serves, so a new page cannot be left out of the access tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

SITES = ("OTT", "KIN", "MTL")
# The officer account's own record, a colleague at OTT, and officers of KIN and MTL.
OFFICERS = ("PO-ANA", "PO-BEN", "PO-KIM", "PO-ELO")
# A case of the officer account, a colleague's, and cases of KIN and MTL.
CASES = ("C-OTT-2", "C-OTT-3", "C-KIN-1", "C-MTL-1")
ABSENT = ("PO-BEN", "PO-KIM", "PO-ELO")  # away this week: their absences, flags, reductions


@dataclass(frozen=True)
class Route:
    """A URL name, and how to fill its arguments from the world: a list of argument tuples."""

    name: str
    args: Callable[[dict], list[tuple]] = lambda world: [()]
    queries: tuple[str, ...] = ("",)
    method: str = "get"

    def requests(self, world: dict) -> Iterator[tuple[str, str]]:
        for args in self.args(world):
            url = reverse(self.name, args=args)
            for query in self.queries(world) if callable(self.queries) else self.queries:
                yield self.method, url + query


def _sites(world):
    return [(code,) for code in SITES]


def _officers(world):
    return [(code,) for code in OFFICERS]


def _cases(world):
    return [(ref,) for ref in CASES]


def _this_week(world) -> tuple[str, ...]:
    monday = world["monday"]
    year, week, _day = monday.isocalendar()
    return ("", f"?week={year}-W{week:02d}", f"?week={monday.isoformat()}")


PAGES: list[Route] = [
    Route("home"),
    Route("region_list"),
    Route("region_detail", lambda w: [("ONT",), ("QUE",)]),
    Route("site_detail", _sites, queries=_this_week),
    Route("officer_detail", _officers),
    Route("site_cases", _sites, queries=("", "?status=all", "?officer=PO-BEN", "?officer=PO-KIM")),
    Route("case_detail", _cases),
    Route("import_upload"),
    Route("export"),
    Route("export_xlsx", queries=("", "?tables=officers,cases,absences")),
    Route("export_zip", queries=("", "?tables=officers,cases,absences")),
    Route("import_template_xlsx"),
    Route("import_template", lambda w: [("officers",), ("cases",)]),
    Route("audit_log", queries=("", "?entity=case", "?entity=absence", "?entity=officer", "?entity=reduction",
                                "?entity=case_flag", "?key=C-OTT-3", "?key=PO-KIM", "?site=MTL")),
    Route("staffing_dashboard", queries=("", "?format=xlsx")),
    Route("staffing_region", lambda w: [("ONT",), ("QUE",)], queries=("", "?format=xlsx")),
    Route("staffing_site", _sites, queries=("", "?format=xlsx")),
    Route("staffing_explain", _sites, queries=("?method=ratio", "?method=time", "?method=resilient")),
    Route("staffing_resilience", _sites),
    Route("staffing_coverage", _sites, queries=_this_week),
    Route("staffing_exposure"),
    Route("staffing_compare", queries=("", "?method=time")),
    Route("staffing_policies"),
    Route("staffing_policy_upload"),
    Route("staffing_policy_detail", lambda w: [("csc-current",)]),
    Route("distribution_overview"),
    Route("distribution_site", _sites),
    Route("distribution_recommend_list", _sites),
    Route("distribution_recommend", lambda w: [("OTT", "C-OTT-4"), ("KIN", "C-KIN-3"), ("MTL", "C-MTL-2")]),
    Route("distribution_batch", _sites),
    Route("distribution_rebalance", _sites),
    Route("distribution_site_flags", _sites),
    Route("distribution_reductions", _sites),
    Route("distribution_officer", _officers),
    Route("distribution_redistribute", lambda w: [(w["absences"][code].pk,) for code in ABSENT]),
    Route("distribution_flags", _cases),
    Route("distribution_complexity", _cases),
    # Writes: posted empty, they must refuse without a server error or a leak in the answer.
    Route("distribution_flag_decide", lambda w: [(w["flags"][code].pk,) for code in OFFICERS], method="post"),
    Route("distribution_reduction_end", lambda w: [(w["reductions"][code].pk,) for code in OFFICERS], method="post"),
]


# --- the admin: every registered model, its list, add form, and each object's pages ---------------

def _admin_objects(world: dict) -> dict[str, list]:
    """Per model label: an object at (or about) OTT, KIN and MTL."""
    sites, officers, cases = world["sites"], world["officers"], world["cases"]
    by_site = {
        "organisation.region": [world["regions"]["ONT"], world["regions"]["ONT"], world["regions"]["QUE"]],
        "organisation.site": [sites[code] for code in SITES],
        "organisation.officer": [officers["PO-BEN"], officers["PO-KIM"], officers["PO-ELO"]],
        "organisation.absence": [world["absences"][code] for code in ABSENT],
        "cases.case": [cases["C-OTT-3"], cases["C-KIN-1"], cases["C-MTL-1"]],
        "distribution.reduction": [world["reductions"][code] for code in ABSENT],
        "distribution.caseflag": [world["flags"][code] for code in ABSENT],
        "distribution.complexityassessment": [world["assessments"][code] for code in SITES],
        "distribution.assignment": [world["assignments"][code] for code in SITES],
        "audit.auditentry": [world["audit_entries"][code] for code in SITES],
        "accounts.user": [world["accounts"][code] for code in ABSENT],
        "auth.group": [],
    }
    return by_site


def admin_routes() -> list[Route]:
    routes = [Route("admin:index")]
    for model in admin.site._registry:
        label = model._meta.label_lower
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"

        def objects(world, label=label):
            # Sign-in records (django-axes) belong to no site: their list and add pages are tried.
            return [(obj.pk,) for obj in _admin_objects(world).get(label, [])]

        routes += [
            Route(f"{prefix}_changelist", queries=("", "?q=PO", "?q=C-", "?o=1")),
            Route(f"{prefix}_add"),
            Route(f"{prefix}_change", objects),
            Route(f"{prefix}_history", objects),
            Route(f"{prefix}_delete", objects),
        ]
    routes.append(Route("admin:app_list", lambda w: [(app,) for app in sorted({m._meta.app_label for m in admin.site._registry})]))

    def view_on_site(world):
        return [
            (ContentType.objects.get_for_model(obj).pk, obj.pk)
            for label in ("organisation.site", "organisation.officer", "cases.case")
            for obj in _admin_objects(world)[label]
        ]

    routes.append(Route("admin:view_on_site", view_on_site))
    return routes


# Routes that show nothing of the data: signing in and out, the language switch, the admin's own
# account pages and script catalogue. (The admin's autocomplete is tried in the access tests.)
NOT_DATA = {"login", "logout", "set_language", "admin:login", "admin:logout", "admin:password_change",
            "admin:password_change_done", "admin:jsi18n", "admin:auth_user_password_change", "admin:autocomplete"}


def all_routes() -> list[Route]:
    return [*PAGES, *admin_routes()]


def served_route_names() -> set[str]:
    """Every named URL Django serves (the admin's catch-all and object redirect have no name of their own)."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names
