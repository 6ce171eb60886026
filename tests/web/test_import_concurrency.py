"""Two imports at once: the second waits a moment, then is told that another import is running and
writes nothing, on both databases, from the import page and the command line alike."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from caseweight.imports import services, views
from caseweight.imports.services import ImportRejected, import_tables
from caseweight.organisation.models import Site

BUSY = "Another import is running: nothing was written. Try again when it has finished."


def site_row(code: str) -> dict[str, str]:
    return {"code": code, "name": f"Site {code}", "region": "ONT", "kind": "parole_office", "languages": "en"}


class RunningImport:
    """An import in another thread (its own connection), held inside its transaction until finish()."""

    def __init__(self, monkeypatch):
        self.inside, self.release, self.outcome = threading.Event(), threading.Event(), []
        self.thread = threading.Thread(target=self._run)
        check = services._ImportRun.check_consistency

        def held(run):
            if threading.current_thread() is self.thread:
                self.inside.set()
                self.release.wait(timeout=30)
            check(run)

        monkeypatch.setattr(services._ImportRun, "check_consistency", held)
        monkeypatch.setattr(services, "IMPORT_WAIT", 0.5)  # the loser's wait, short for the test

    def _run(self):
        try:
            import_tables(tables={"sites": [site_row("FIRST")]})
            self.outcome.append("imported")
        finally:
            connections.close_all()

    def start(self):
        self.thread.start()
        assert self.inside.wait(timeout=30), "the first import never began"

    def finish(self):
        self.release.set()
        self.thread.join(timeout=30)
        assert self.outcome == ["imported"]


# serialized_rollback: the flush of a transactional test would drop the regions the migrations made.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def running_import(monkeypatch):
    running = RunningImport(monkeypatch)
    yield running
    running.release.set()


def test_a_second_import_while_one_is_running_is_refused_and_writes_nothing(running_import):
    running_import.start()
    with pytest.raises(ImportRejected) as refused:
        import_tables(tables={"sites": [site_row("SECOND")]})
    running_import.finish()
    assert refused.value.lines() == [BUSY]
    assert set(Site.objects.filter(code__in=["FIRST", "SECOND"]).values_list("code", flat=True)) == {"FIRST"}


def test_the_import_page_says_another_import_is_running(running_import, client_as, org, monkeypatch):
    client = client_as("national_analyst")  # signed in before the other import holds the database
    import_uploads = views.import_uploads

    def refused_then_the_other_ends(**kwargs):
        try:
            return import_uploads(**kwargs)
        finally:  # on SQLite the session, saved after every request, waits for the other import's end
            running_import.release.set()

    monkeypatch.setattr(views, "import_uploads", refused_then_the_other_ends)
    running_import.start()
    upload = io.BytesIO(b"code,name,region,kind,languages\r\nSECOND,Site SECOND,ONT,parole_office,en\r\n")
    upload.name = "sites.csv"
    response = client.post("/data/import/", {"files": [upload]})
    running_import.finish()
    assert response.status_code == 200
    assert BUSY in response.content.decode()
    assert not Site.objects.filter(code="SECOND").exists()


def test_the_import_command_says_another_import_is_running_and_exits_1(running_import, tmp_path):
    (tmp_path / "sites.csv").write_text("code,name,region,kind,languages\nSECOND,Site SECOND,ONT,parole_office,en\n")
    running_import.start()
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import", str(tmp_path), stdout=io.StringIO(), stderr=err)
    running_import.finish()
    assert refused.value.returncode == 1
    assert err.getvalue().splitlines() == [BUSY]
    assert not Site.objects.filter(code="SECOND").exists()


def test_an_import_after_another_has_finished_is_written(running_import):
    running_import.start()
    running_import.finish()
    import_tables(tables={"sites": [site_row("SECOND")]})
    assert Site.objects.filter(code__in=["FIRST", "SECOND"]).count() == 2
