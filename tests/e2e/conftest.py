"""End-to-end fixtures: Debian's Chromium driven by Playwright's sync API against a live server.

Never download a browser (no `playwright install`): without Debian's chromium the tests skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls
# made by fixtures ("You cannot call this from an async context"). Nothing here is async.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser(e2e_database):
    """A browser per test, started after the database is set up and stopped before it is reset.

    While Playwright's event loop runs, Django hands out other connection objects (its connection
    handler is context-local). So the database setup and reset must happen outside that lifetime
    (they need the original connection, which holds the serialized regions), and the connections
    opened inside it are closed before it ends (else PostgreSQL cannot drop the test database).
    """
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.skip("Debian's chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-CA", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def e2e_database(django_db_serialized_rollback, transactional_db):
    """The live server reads the database from another thread, so tests commit for real
    (transactional_db). Between tests the database is emptied; serialized rollback puts back what
    the migrations created (the five CSC regions) that the shared fixtures rely on."""



@pytest.fixture
def csp_violations(page):
    """What the page's Content Security Policy blocks, as the browser reports it (the
    securitypolicyviolation event): "CSP violation: <directive> <what was blocked>" strings."""
    violations = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', "
        "event => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));"
    )
    page.on("console", lambda message: message.text.startswith("CSP violation") and violations.append(message.text))
    return violations


@pytest.fixture
def sign_in(page, live_server, users, password):
    """sign_in("supervisor") → the browser page signed in with that username (tests/conftest.py)."""

    def sign_in_as(username: str) -> None:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")

    return sign_in_as
