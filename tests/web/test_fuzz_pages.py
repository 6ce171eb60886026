"""Fuzz every page: whatever is typed into a form field or query parameter, or into a path, no page
answers with a server error (5xx), and a write it refuses changes no row.

Routes come from Django's URL resolver, so a new one cannot be left out: each must have sample
path arguments below (objects in and out of the user's scope). Each page is opened as each role;
its forms (method, action, fields) and the query parameters of its links are read from its HTML;
then hypothesis sends values (unicode text, huge and negative numbers, absurd dates, empty, long,
JSON-ish, or one of the field's own choices) as query parameters or posted fields, and absurd
path arguments. Every model's rows are compared before and after each request that did not
succeed (anything but a redirect without an error message): they must be the same. Each example
runs in a savepoint rolled back after it, so all start from the same data. The number of requests
tried is printed at the end of the run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseweight.cases.models import Case
from caseweight.distribution.models import Assignment, CaseFlag, ComplexityAssessment, Cover, Reduction
from caseweight.organisation.models import Absence

ROLES = ("national_analyst", "supervisor", "officer")
# Examples per route: fewer for the admin's, Django's own forms on every table.
EXAMPLES, ADMIN_EXAMPLES = 8, 3
# Parameters some pages read though no link of theirs shows them.
GUESSED_PARAMETERS = ["week", "as_of", "policy", "page", "sort", "format", "method", "alpha", "q", "o", "p", "e"]
# Tables that change by design on any request: sessions (signing in for each example).
NOT_SNAPSHOT = {"sessions", "axes"}


# --- the routes ---------------------------------------------------------------------------------


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


ROUTES = sorted(set(_walk(get_resolver().url_patterns)))
ADMIN_MODELS = {f"admin/{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _route_path(route: str, kwargs: dict) -> str:
    """The path of a `path()` route with its arguments (quoted as a browser would)."""

    def value(match):
        converter, name = match[1] or "str", match[2]
        return quote(str(kwargs[name]), safe="/" if converter == "path" else "")

    return "/" + PARAMETER.sub(value, route)


@dataclass
class Samples:
    """Sample paths of one route: `paths` with existing objects (in the user's scope first), and
    `absurd`, a function of the example's nonsense giving a strategy of other paths."""

    paths: list[str]
    absurd: object = None


def _absurd_path(route: str):
    """A function of the example's nonsense: the route with it for every path argument."""

    def make(nonsense: st.SearchStrategy) -> st.SearchStrategy:
        names = [m[2] for m in PARAMETER.finditer(route)]
        return st.fixed_dictionaries({name: nonsense for name in names}).map(
            lambda kwargs: "/" + PARAMETER.sub(lambda m: quote(kwargs[m[2]] or "x", safe=""), route)
        )

    return make


# The supervisor's (OTT, in Ontario) first, then others of the region and of another one.
REGIONS, SITES, OFFICERS = ("ONT", "QUE"), ("OTT", "KIN", "MTL"), ("PO-ANA", "PO-BEN", "PO-KIM", "PO-ELO")


def route_samples(route: str, objects: dict) -> Samples:
    """Sample paths for every route; KeyError names a route nobody gave samples for."""
    if route.startswith("admin/"):
        return _admin_samples(route, objects)
    if not PARAMETER.search(route):
        return Samples(["/" + route])
    kwargs_by_route = {
        "regions/<str:code>/": [{"code": c} for c in REGIONS],
        "staffing/regions/<str:code>/": [{"code": c} for c in REGIONS],
        "officers/<str:code>/": [{"code": c} for c in OFFICERS],
        "distribution/officers/<str:code>/": [{"code": c} for c in OFFICERS],
        "cases/<path:ref>/": [{"ref": r} for r in ("C-OTT-1", "C-KIN-1", "C-MTL-1")],
        "distribution/cases/<str:ref>/flags/": [{"ref": r} for r in ("C-OTT-1", "C-OTT-3", "C-KIN-1")],
        "distribution/cases/<str:ref>/complexity/": [{"ref": r} for r in ("C-OTT-1", "C-KIN-1")],
        "distribution/sites/<str:code>/recommend/<str:ref>/": [{"code": "OTT", "ref": "C-OTT-NEW"},
                                                                {"code": "OTT", "ref": "C-OTT-1"},
                                                                {"code": "KIN", "ref": "C-KIN-NEW"}],
        "distribution/absences/<int:pk>/redistribute/": [{"pk": objects["absence"].pk}, {"pk": objects["kin_absence"].pk}],
        "distribution/flags/<int:pk>/decide/": [{"pk": objects["flag"].pk}, {"pk": objects["kin_flag"].pk}],
        "distribution/reductions/<int:pk>/end/": [{"pk": objects["reduction"].pk}, {"pk": objects["kin_reduction"].pk}],
        "data/templates/<str:table>.csv": [{"table": t} for t in ("sites", "cases")],
        "staffing/policies/<str:name>/": [{"name": n} for n in ("csc-current", "usje-2021")],
    }  # fmt: skip
    if route in kwargs_by_route:
        kwargs = kwargs_by_route[route]
    elif PARAMETER.findall(route) == [("str", "code")] and "/sites/" in "/" + route:
        kwargs = [{"code": c} for c in SITES]
    else:
        raise KeyError(route)
    return Samples([_route_path(route, k) for k in kwargs], _absurd_path(route))


def _admin_samples(route: str, objects: dict) -> Samples:
    if route.startswith("^") or "(?P<" in route:  # the admin's regular expressions: app lists, catch-all
        return Samples(["/admin/organisation/", "/admin/distribution/", "/admin/nothing-here/"])
    model = next((m for prefix, m in ADMIN_MODELS.items() if route.startswith(prefix)), None)
    if route == "admin/r/<path:content_type_id>/<path:object_id>/":
        site = objects["org"]["sites"]["OTT"]
        return Samples([_route_path(route, {"content_type_id": ContentType.objects.get_for_model(site).pk,
                                            "object_id": site.pk})], _absurd_path(route))  # fmt: skip
    if not PARAMETER.search(route):
        return Samples(["/" + route])
    if model is None:
        raise KeyError(route)
    pks = list(model._base_manager.order_by("pk").values_list("pk", flat=True))
    chosen = sorted({pks[0], pks[-1]}) if pks else []  # the first (in scope, from the fixtures) and the last
    (name,) = [m[2] for m in PARAMETER.finditer(route)]
    return Samples([_route_path(route, {name: pk}) for pk in chosen], _absurd_path(route))


# --- the forms and links of a page ---------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    values: list[str] = field(default_factory=list)  # its value, or a select's options
    multiple: bool = False


@dataclass
class Target:
    """Somewhere to send values: a form (method, action, fields) or a page's query parameters."""

    method: str
    path: str
    fields: list[Field]


class PageParser(HTMLParser):
    def __init__(self, path: str):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.forms: list[Target] = []
        self.link_params: dict[str, set[str]] = {}
        self._form: Target | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.path
            self._form = Target((a.get("method") or "get").upper(), urlsplit(action).path or self.path, [])
            self.forms.append(self._form)
        elif tag == "a" and a.get("href"):
            url = urlsplit(a["href"])
            if url.query and (url.path in ("", self.path)):
                for key, value in parse_qsl(url.query, keep_blank_values=True):
                    self.link_params.setdefault(key, set()).add(value)
        elif self._form is None:
            return
        elif tag in ("input", "button") and a.get("name"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            self._form.fields.append(Field(a["name"], kind, [a.get("value") or ""]))
        elif tag == "select" and a.get("name"):
            self._select = Field(a["name"], "select", [], multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.values.append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(a["name"], "textarea", [""])
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.values[0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def targets(self) -> list[Target]:
        found = list(self.forms)
        if self.link_params:
            found.append(Target("GET", self.path, [Field(k, "link", sorted(v)) for k, v in sorted(self.link_params.items())]))
        return found


# --- values ---------------------------------------------------------------------------------------

UNICODE = st.characters(blacklist_categories=("Cs",))  # any character a form can carry
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
).map(json.dumps)
# Each example fills every field with one kind of nonsense (or the field's own value).
FLAVOURS = {
    "empty": st.sampled_from(["", " ", "\t"]),
    "text": st.text(UNICODE, max_size=40),
    "nul": st.text(UNICODE, max_size=10).map(lambda t: t + "\x00"),
    "numbers": st.one_of(
        st.integers(min_value=-(10**40), max_value=10**40).map(str),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["-1", "-0", "1e999", "-1e999", "NaN", "inf", "9" * 5000, "0.0000000001", "1_000", "٣"]),
    ),
    "dates": st.one_of(
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(dt.date.isoformat),
        st.sampled_from(["0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30", "2026-13-01", "0000-00-00",
                         "9999-W52", "0001-W01", "2026-W53", "2026-W00", "1970-01-01T00:00:00", "31/12/2026"]),
    ),
    "long": st.sampled_from(["x" * 10_000, "é" * 300, "🙂" * 200, "9" * 400, "a," * 2000]),
    "json": st.one_of(JSONISH, st.sampled_from(["[" * 100_000 + "]" * 100_000, '{"a": ' * 500, "null", "{}", "[]"])),
    "markup": st.sampled_from(["<script>alert(1)</script>", "'; DROP TABLE cases; --", "%", "%00", "../../etc/passwd",
                               "/tmp/x.toml", "\u202e\u0301\ufeff", "=1+1", "C-OTT-1", "KIN", "PO-KIM", "ONT"]),
}  # fmt: skip


def field_values(f: Field, nonsense: st.SearchStrategy) -> st.SearchStrategy:
    """The field's own value (one of its choices, its value) a third of the time, so writes go
    deep; else the example's nonsense."""
    own = [v for v in f.values if v is not None]
    if f.kind == "file":
        names = st.sampled_from(["sites.csv", "cases.csv", "officers.csv", "absences.csv", "policy.toml", "x.txt"])
        content = st.one_of(st.binary(max_size=300), nonsense.map(lambda t: t.encode("utf-8", "surrogatepass")))
        return st.builds(SimpleUploadedFile, names, content)
    value = st.one_of(nonsense, nonsense, st.sampled_from(own)) if own else nonsense
    return st.lists(value, max_size=3) if f.multiple else value


# --- rows -----------------------------------------------------------------------------------------


def snapshot() -> dict[str, tuple[int, str]]:
    """Every model's row count and a digest of its rows."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in NOT_SNAPSHOT:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        out[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


def succeeded(response) -> bool:
    """A write went through: a redirect without an error message, or the import page's report."""
    if response.status_code in (301, 302, 303):
        return not any(m.level >= ERROR for m in get_messages(response.wsgi_request))
    return response.status_code == 200 and getattr(response, "context", None) is not None and \
        bool(response.context.get("report")) and response.wsgi_request.method == "POST"  # fmt: skip


# --- the test -------------------------------------------------------------------------------------


class Tally:
    """Counts the requests and prints them at the end of the run (pytest's terminal summary)."""

    def __init__(self):
        self.requests = 0
        self.routes = set()

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_line(f"fuzz (tests/web/test_fuzz_pages.py): {self.requests} requests tried over "
                                    f"{len(self.routes)} routes")  # fmt: skip


@pytest.fixture(scope="module")
def tally(request):
    found = request.config.pluginmanager.get_plugin("caseweight-fuzz-tally")
    if found is None:
        found = Tally()
        request.config.pluginmanager.register(found, "caseweight-fuzz-tally")
    return found


@pytest.fixture
def objects(org, users):
    """The fixtures' organisation and a row of every table the pages write, in and out of the supervisor's site."""
    ott, kin = org["sites"]["OTT"], org["sites"]["KIN"]
    ana, kim = org["officers"]["PO-ANA"], org["officers"]["PO-KIM"]
    Case.objects.create(ref="C-OTT-NEW", site=ott, supervision_level="B", language="en", opened=dt.date(2025, 6, 1))
    Case.objects.create(ref="C-KIN-NEW", site=kin, security_level="medium", language="en", opened=dt.date(2025, 6, 1))
    kin_absence = Absence.objects.create(officer=kim, kind="sick", start=dt.date(2026, 7, 6), end=dt.date(2026, 7, 8))
    flag = CaseFlag.objects.create(case=org["cases"]["C-OTT-1"], raised_by=users["officer"], hours_requested=Decimal(2),
                                   reason="more contacts")  # fmt: skip
    kin_flag = CaseFlag.objects.create(case=org["cases"]["C-KIN-1"], raised_by=users["officer"],
                                       hours_requested=Decimal(1), reason="x")  # fmt: skip
    reduction = Reduction.objects.create(officer=ana, hours_per_week=Decimal(3), reason="training", start=dt.date(2026, 1, 5))
    kin_reduction = Reduction.objects.create(officer=kim, hours_per_week=Decimal(2), reason="committee",
                                             start=dt.date(2026, 1, 5))  # fmt: skip
    ComplexityAssessment.objects.create(case=org["cases"]["C-OTT-1"], factors="trauma", assessed_by=users["supervisor"])
    Assignment.objects.create(case=org["cases"]["C-OTT-3"], officer=org["officers"]["PO-BEN"], method="manual")
    Cover.objects.create(case=org["cases"]["C-OTT-3"], officer=ana, absence=org["absence"])
    Group.objects.create(name="readers")
    return {"org": org, "users": users, "absence": org["absence"], "kin_absence": kin_absence, "flag": flag,
            "kin_flag": kin_flag, "reduction": reduction, "kin_reduction": kin_reduction}  # fmt: skip


def signed_in(user) -> Client:
    client = Client()  # a new one each time: no cookie (messages, language) carried from the last request
    if user is not None:
        client.force_login(user)
    return client


def send(client: Client, method: str, path: str, data: dict):
    if method == "POST":
        return client.post(path, data)
    return client.get(path, data)


def test_every_route_has_sample_arguments(objects):
    missing = []
    for route in ROUTES:
        try:
            route_samples(route, objects)
        except KeyError:
            missing.append(route)
    assert not missing, f"routes without sample arguments in {__name__}: {missing}"


def _targets(route: str, samples: Samples, users) -> list[tuple[str, Target]]:
    """(role, target) for each role: the route's sample paths, and the forms and query parameters
    (its GET forms' fields and its links' parameters, together) of its first page."""
    targets = []
    for role in _roles(route):
        targets.extend((role, Target("GET", path, [])) for path in samples.paths)
        response = signed_in(users[role]).get(samples.paths[0])
        assert response.status_code < 500, (role, samples.paths[0], response.status_code)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = PageParser(samples.paths[0])
        parser.feed(response.content.decode())
        query: dict[str, list[Field]] = {}
        for target in parser.targets():
            if not target.path.startswith("/"):
                continue
            if target.method == "POST":
                targets.append((role, target))
            else:
                query.setdefault(target.path, []).extend(target.fields)
        targets.extend((role, Target("GET", path, fields)) for path, fields in query.items())
    return targets


def _roles(route: str) -> tuple[str, ...]:
    return tuple(role for role in ROLES if not (route.startswith("admin/") and role == "officer"))  # no admin for officers


@pytest.mark.parametrize("route", ROUTES)
def test_no_input_gets_a_server_error_and_a_refused_write_changes_no_row(route, objects, tally):
    samples = route_samples(route, objects)
    users = objects["users"]
    targets = _targets(route, samples, users)
    tally.requests += len(_roles(route))
    tally.routes.add(route)

    @settings(max_examples=ADMIN_EXAMPLES if route.startswith("admin/") else EXAMPLES, deadline=None,
              derandomize=True, database=None, suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(data=st.data())
    def fuzz(data):
        nonsense = FLAVOURS[data.draw(st.sampled_from(sorted(FLAVOURS)), label="flavour")]
        role, target = data.draw(st.sampled_from(targets), label="target")
        if samples.absurd is not None and data.draw(st.integers(0, 3), label="absurd path") == 0:
            target = Target(data.draw(st.sampled_from(["GET", "POST"])), data.draw(samples.absurd(nonsense)), target.fields)
        values = {f.name: data.draw(field_values(f, nonsense), label=f.name) for f in target.fields}
        extra = data.draw(st.dictionaries(st.sampled_from(GUESSED_PARAMETERS), nonsense, max_size=2), label="extra")
        with transaction.atomic():
            client = signed_in(users[role])
            before = snapshot() if target.method == "POST" else None
            response = send(client, target.method, target.path, {**extra, **values})
            tally.requests += 1
            assert response.status_code < 500, (role, target.method, target.path, response.status_code)
            if before is not None and not succeeded(response):
                assert snapshot() == before, f"a refused POST to {target.path} changed rows"
            transaction.set_rollback(True)

    fuzz()
