"""The Content Security Policy in Chromium: pages work under it, and what it blocks is seen."""

from __future__ import annotations

import datetime as dt

import pytest

from caseweight.cases.models import Case

pytestmark = pytest.mark.e2e


def test_the_violation_listener_sees_an_inline_script_blocked(page, live_server, sign_in, csp_violations):
    sign_in("supervisor")
    with page.expect_console_message(lambda message: message.text.startswith("CSP violation")):
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = true'; document.body.append(s); }")
    assert page.evaluate("() => window.ran") is None
    assert len(csp_violations) == 1 and csp_violations[0].startswith("CSP violation: script-src")


def test_the_recommendation_script_runs_under_the_policy_and_nothing_is_blocked(page, live_server, org, sign_in, csp_violations):
    Case.objects.create(ref="C-OTT-NEW", site=org["sites"]["OTT"], supervision_level="B", language="en",
                        opened=dt.date(2025, 6, 1))  # fmt: skip
    console_errors = []  # but the browser's unanswered request for a /favicon.ico Caseweight does not have
    page.on("console", lambda message: message.type == "error" and not message.location["url"].endswith("/favicon.ico")
            and console_errors.append(message.text))  # fmt: skip
    sign_in("supervisor")
    response = page.goto(f"{live_server.url}/distribution/sites/OTT/recommend/C-OTT-NEW/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.input_value("#chosen-rank") == "1"
    page.locator("li.candidate").nth(1).locator("input[type=radio]").check()
    assert page.input_value("#chosen-rank") == "2"
    assert csp_violations == [] and console_errors == []
