"""A database that refuses a write answers with a page that says why and that nothing was written
(503), in the page's language: read-only (a read-only SQLite file, a PostgreSQL standby), or busy
(SQLite still locked by another writer when its busy timeout runs out)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.test import Client

from caseweight.cases.models import Case
from caseweight.distribution.models import Assignment

# Transactional: the writes must fail as they would in production, not inside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def read_only(users):
    """The supervisor's client, signed in, then the connection made read-only (as the file or server
    would be). The client answers as a browser sees it: the refusal of the session's save, after
    the view, reaches Django's handler500, whose exception the test client would raise."""
    client = Client(raise_request_exception=False)
    client.force_login(users["supervisor"])
    switch = {"sqlite": "PRAGMA query_only = {}", "postgresql": "SET default_transaction_read_only = {}"}[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(switch.format("on"))
    yield client
    with connection.cursor() as cursor:
        cursor.execute(switch.format("off"))


@pytest.fixture
def new_case(org):
    return Case.objects.create(ref="C-OTT-NEW", site=org["sites"]["OTT"], supervision_level="B", language="en",
                               opened=dt.date(2025, 6, 1))  # fmt: skip


def test_a_write_to_a_read_only_database_says_so_and_that_nothing_was_written(new_case, read_only):
    response = read_only.post("/distribution/sites/OTT/recommend/C-OTT-NEW/", {"officer": "PO-BEN", "rank": "2"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "The database is read-only" in page and "nothing was written" in page
    assert not Assignment.objects.exists() and Case.objects.get(ref="C-OTT-NEW").officer is None


def test_the_read_only_page_is_in_french_for_a_french_reader(new_case, read_only):
    read_only.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = read_only.post("/distribution/sites/OTT/recommend/C-OTT-NEW/", {"officer": "PO-BEN", "rank": "2"})
    assert response.status_code == 503
    assert "La base de données est en lecture seule" in response.content.decode()


def test_a_page_that_only_reads_says_the_database_is_read_only_when_the_session_cannot_be_saved(read_only):
    """Sessions are saved on every request (they expire after an idle time): that write is refused too."""
    response = read_only.get("/distribution/sites/OTT/")
    assert response.status_code == 503 and "The database is read-only" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL waits for a row lock as long as it takes")
def test_a_write_while_another_keeps_sqlite_locked_past_its_timeout_says_the_database_is_busy(client_as, new_case):
    client = client_as("supervisor")
    inside, release = threading.Event(), threading.Event()

    def hold_the_write_lock():
        try:
            with transaction.atomic():  # BEGIN IMMEDIATE: the database's write lock
                inside.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    assert inside.wait(timeout=30)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 100")  # rather than the 20 s of the settings
    try:
        response = client.post("/distribution/sites/OTT/recommend/C-OTT-NEW/", {"officer": "PO-BEN", "rank": "2"})
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {settings.DATABASES['default']['OPTIONS']['timeout'] * 1000}")
    assert response.status_code == 503
    assert "The database is busy" in response.content.decode()
    assert not Assignment.objects.exists()
