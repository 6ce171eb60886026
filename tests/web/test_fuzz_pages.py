"""Fuzz every page: whatever is typed into a form field or query parameter, or into a path, no page
answers with a server error (5xx), and a write it refuses changes no row.

Routes come from Django's URL resolver, so a new one cannot be left out: each takes its sample
URLs from the routes catalogue (tests/web/routes.py: objects of each site, in and out of the
user's scope) or from SIGN_IN_AND_ADMIN below. Each page is opened as each role; its forms
(method, action, fields) and the query parameters of its links are read from its HTML; then
hypothesis sends values (unicode text, huge and negative numbers, absurd dates, empty, long,
JSON-ish, or one of the field's own choices) as query parameters or posted fields, and absurd
path arguments. Every model's rows are compared before and after each POST that did not succeed
(anything but a redirect without an error message): they must be the same. Each example runs in
a savepoint rolled back after it, so all start from the same data. The number of requests tried
is printed at the end of the run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routes import Route, all_routes

ROLES = ("national_analyst", "supervisor", "officer")
# Examples per route: fewer for the admin's, Django's own forms on every table.
EXAMPLES, ADMIN_EXAMPLES = 8, 3
# Parameters some pages read though no link of theirs shows them.
GUESSED_PARAMETERS = ["week", "as_of", "policy", "page", "sort", "format", "method", "alpha", "q", "o", "p", "e"]
# Tables that change by design on any request: sessions (signing in for each example).
NOT_SNAPSHOT = {"sessions", "axes"}


# --- the routes ---------------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    """(name, pattern) of every route; the admin's unnamed ones under their pattern."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or prefix + str(pattern.pattern), prefix + str(pattern.pattern)


SERVED = dict(_walk(get_resolver().url_patterns))
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


# Routes the access catalogue leaves out (they show no data), and the admin's unnamed ones.
SIGN_IN_AND_ADMIN = [
    Route("login"), Route("logout", method="post"), Route("set_language", method="post"),
    Route("admin:login"), Route("admin:logout", method="post"), Route("admin:password_change"),
    Route("admin:password_change_done"), Route("admin:jsi18n"),
    Route("admin:auth_user_password_change", lambda w: [(w["users"]["officer"].pk,), (w["accounts"]["PO-KIM"].pk,)]),
    Route("admin:autocomplete", queries=("?app_label=cases&model_name=case&field_name=officer&term=P",)),
]  # fmt: skip
CATCH_ALL = "admin/(?P<url>.*)$"


def route_urls(name: str, world: dict) -> list[tuple[str, str]]:
    """(method, url) to open a route on, the user's own site's first; KeyError for a route nobody
    gave any. The admin's unnamed object redirects, and object pages of a table the catalogue has
    no row of (groups), are opened on object 1."""
    if name == CATCH_ALL:
        return [("get", "/admin/nothing-here/")]
    unnamed = name == SERVED[name] and name.startswith("admin/") and name.endswith("/<path:object_id>/")
    urls = [] if unnamed else list(CATALOGUE[name].requests(world))
    return urls or [("get", "/" + PARAMETER.sub("1", SERVED[name]))]


CATALOGUE = {route.name: route for route in [*all_routes(), *SIGN_IN_AND_ADMIN]}


def _absurd_path(pattern: str):
    """A function of the example's nonsense: the route with it for every path argument."""
    names = [m[2] for m in PARAMETER.finditer(pattern)]

    def make(nonsense: st.SearchStrategy) -> st.SearchStrategy:
        return st.fixed_dictionaries({name: nonsense for name in names}).map(
            lambda kwargs: "/" + PARAMETER.sub(lambda m: quote(kwargs[m[2]] or "x", safe=""), pattern)
        )

    return make if names else None


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


def signed_in(user) -> Client:
    client = Client()  # a new one each time: no cookie (messages, language) carried from the last request
    if user is not None:
        client.force_login(user)
    return client


def send(client: Client, method: str, path: str, data: dict):
    if method == "POST":
        return client.post(path, data)
    return client.get(path, data)


def test_every_route_is_fuzzed(world):
    missing = []
    for name in SERVED:
        try:
            route_urls(name, world)
        except KeyError:
            missing.append(name)
    assert not missing, f"routes with no sample URL (tests/web/routes.py, or SIGN_IN_AND_ADMIN in {__name__}): {missing}"


def _targets(name: str, world: dict) -> list[tuple[str, Target]]:
    """(role, target) for each role: the route's sample URLs, and the forms and query parameters
    (its GET forms' fields and its links' parameters, together) of its first page."""
    targets = []
    urls = route_urls(name, world)
    for role in _roles(name):
        targets.extend((role, Target(method.upper(), url, [])) for method, url in urls)
        method, first = urls[0]
        response = signed_in(world["users"][role]).get(first) if method == "get" else None
        if response is None or response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        assert response.status_code < 500, (role, first, response.status_code)
        path = urlsplit(first).path
        parser = PageParser(path)
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


def _roles(name: str) -> tuple[str, ...]:
    return tuple(role for role in ROLES if not (SERVED[name].startswith("admin/") and role == "officer"))  # no admin for officers


@pytest.mark.parametrize("name", sorted(SERVED))
def test_no_input_gets_a_server_error_and_a_refused_write_changes_no_row(name, world, tally):
    users = world["users"]
    targets = _targets(name, world)
    absurd = _absurd_path(SERVED[name])
    tally.requests += len(_roles(name))
    tally.routes.add(name)

    @settings(max_examples=ADMIN_EXAMPLES if SERVED[name].startswith("admin/") else EXAMPLES, deadline=None,
              derandomize=True, database=None, suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(data=st.data())
    def fuzz(data):
        nonsense = FLAVOURS[data.draw(st.sampled_from(sorted(FLAVOURS)), label="flavour")]
        role, target = data.draw(st.sampled_from(targets), label="target")
        if absurd is not None and data.draw(st.integers(0, 3), label="absurd path") == 0:
            target = Target(data.draw(st.sampled_from(["GET", "POST"])), data.draw(absurd(nonsense)), target.fields)
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
