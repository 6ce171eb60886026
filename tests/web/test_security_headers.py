"""The security headers of every page and download (caseweight/security.py, settings.py), and
templates the Content Security Policy lets run as they are: no inline script, no inline handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import caseweight

PACKAGE = Path(caseweight.__file__).parent

# A page with personal data, a download of it, and the sign-in page (signed out).
RESPONSES = [
    pytest.param(("supervisor", "site_detail", ("OTT",)), id="page"),
    pytest.param(("national_analyst", "export_zip", ()), id="download"),
    pytest.param(("anonymous", "login", ()), id="sign-in"),
]


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.fixture(params=RESPONSES)
def response(request, client_as):
    role, name, args = request.param
    response = client_as(role).get(reverse(name, args=args))
    assert response.status_code == 200
    return response


def test_no_browser_or_proxy_keeps_a_copy(response):
    assert "no-store" in response["Cache-Control"]


def test_the_content_security_policy_allows_only_this_servers_own_files(response):
    directives = policy(response)
    assert {source for sources in directives.values() for source in sources} == {"'self'", "'none'"}
    assert directives["default-src"] == directives["script-src"] == directives["style-src"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["frame-ancestors"] == directives["object-src"] == ["'none'"]


def test_browser_features_are_denied(response):
    features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_referrer_and_content_type_sniffing_stay_with_this_server(response):
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_static_files_may_be_cached_and_the_recommendation_script_is_one(client):
    response = client.get("/static/caseweight/recommend.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert b"chosen-rank" in b"".join(response.streaming_content)


# --- templates under the policy -----------------------------------------------------------------

TEMPLATES = sorted(PACKAGE.rglob("templates/**/*.html"))
TAG = re.compile(r"<[a-zA-Z][^>]*>")
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"""\son[a-z]+\s*=|=\s*["']?\s*javascript:""", re.IGNORECASE)


def inline_code(text: str) -> list[str]:
    return INLINE_SCRIPT.findall(text) + [tag for tag in TAG.findall(text) if HANDLER.search(tag)]


def test_the_checker_finds_inline_scripts_and_handlers():
    page = '<script>go()</script><button onclick="go()">Go</button><a href="javascript:go()">Go</a><script src="/s.js" defer></script>'
    assert inline_code(page) == ["<script>", '<button onclick="go()">', '<a href="javascript:go()">']


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_template_holds_an_inline_script_or_event_handler(template):
    assert inline_code(template.read_text()) == []
