"""What the app needs of its database beyond the ORM: one long job of a kind at a time, a clear
page when the database refuses a write (503), never a server error, and no NUL character sent to
it (PostgreSQL can neither store nor compare one: 400).

Refusals: read-only is SQLite's "attempt to write a readonly database" (the file or its folder
not writable, a connection opened read-only) and PostgreSQL's SQLSTATE 25006 (a read-only
transaction: a hot standby, default_transaction_read_only); busy is SQLite still locked by another
writer once its busy timeout has passed. Either way the write's transaction was rolled back. The
middleware answers for views; `server_error` and `bad_request` (handler500, handler400) for the
rest, such as the session saved after every request.

A NUL in the address, the query string or a form (as browsers post one, url-encoded) is refused
before the view runs, on both databases, naming its field. A file upload's form is not read here
(its view sets the upload's limits before it is read): on PostgreSQL the driver's refusal of a
NUL gets the same page.
"""

from __future__ import annotations

import logging
import sys
import time
from contextlib import ExitStack, contextmanager

from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.views import defaults

logger = logging.getLogger(__name__)

SQLITE_PROBLEMS = {8: "read_only", 5: "busy", 6: "busy"}  # SQLITE_READONLY, SQLITE_BUSY, SQLITE_LOCKED
POSTGRESQL_PROBLEMS = {"25006": "read_only"}  # read_only_sql_transaction


def database_problem(error: BaseException) -> str | None:
    """'read_only', 'busy' or 'nul' for a database error that says so, else None."""
    cause = error.__cause__ or error  # Django wraps the driver's error
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return SQLITE_PROBLEMS.get(code & 0xFF)  # the primary code of an extended one
    if "cannot contain NUL" in str(cause):  # psycopg refuses it before sending: no SQLSTATE
        return "nul"
    return POSTGRESQL_PROBLEMS.get(getattr(cause, "sqlstate", None))


@contextmanager
def one_at_a_time(lock: int, *, wait: float, busy: Exception):
    """A transaction that waits up to `wait` seconds for any other one of the same `lock` to end,
    else raises `busy` having done nothing. PostgreSQL: an advisory lock (key `lock`), held until
    the transaction ends. SQLite: the database's write lock, which every transaction takes as it
    begins (settings: BEGIN IMMEDIATE), so it waits for any writer, for `wait` rather than the
    connection's usual busy timeout. Inside a transaction already begun, SQLite has nothing to wait for."""
    with ExitStack() as stack:
        with _sqlite_busy_timeout(wait):
            try:
                stack.enter_context(transaction.atomic())
            except DatabaseError as error:
                if database_problem(error) != "busy":
                    raise
                raise busy from None
        if connection.vendor == "postgresql":
            deadline = time.monotonic() + wait
            with connection.cursor() as cursor:
                while not _try_advisory_lock(cursor, lock):
                    if time.monotonic() > deadline:
                        raise busy
                    time.sleep(0.1)
        yield


def _try_advisory_lock(cursor, lock: int) -> bool:
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock])
    return cursor.fetchone()[0]


@contextmanager
def _sqlite_busy_timeout(seconds: float):
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(usual)}")


def nul_place(request) -> str | None:
    """Where the request holds a NUL character: "" for its address, a field's name, or None."""
    if "\x00" in request.path_info:
        return ""
    params = [request.GET]
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        params.append(QueryDict(request.body, encoding=request.encoding))  # request.POST would fix the upload handlers
    for query in params:
        for name, values in query.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "")
    return None


def refusal(request, problem: str, place: str | None = None) -> HttpResponse:
    return render(request, "database_error.html", {"problem": problem, "place": place},
                  status=400 if problem == "nul" else 503)  # fmt: skip


class DatabaseErrorMiddleware:
    """A request holding a NUL character is refused before its view runs; a view whose write the
    database refused answers with the page that says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        place = nul_place(request)
        return None if place is None else refusal(request, "nul", place)

    def process_exception(self, request, exception):
        problem = database_problem(exception) if isinstance(exception, DatabaseError) else None
        if problem is None:
            return None
        logger.warning("%s %s: the database refused: %s: %s", request.method, request.path, problem, exception)
        return refusal(request, problem)


def _refusal_behind(error: BaseException | None) -> str | None:
    """The database refusal an error was raised in handling, if any (Django's session middleware
    turns a refused save into UpdateError, then SessionInterrupted: a 400)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, DatabaseError) and database_problem(error):
            return database_problem(error)
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def _page_or(request, problem: str | None, default):
    if problem is not None:
        try:
            return refusal(request, problem)
        except Exception:  # noqa: BLE001 - the page needs the database too; Django's plain page does not
            logger.exception("the page of a database refusal could not be shown")
    return default()


def server_error(request):
    """handler500: a refusal raised outside a view gets its page too."""
    return _page_or(request, _refusal_behind(sys.exc_info()[1]), lambda: defaults.server_error(request))


def bad_request(request, exception):
    """handler400: so does the refused save of the session, after every request."""
    return _page_or(request, _refusal_behind(exception), lambda: defaults.bad_request(request, exception))
