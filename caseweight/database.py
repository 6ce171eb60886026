"""What the app needs of its database beyond the ORM: one long job of a kind at a time, a clear
page (503) when the database refuses a write, and no NUL character sent to it (PostgreSQL can
neither store nor compare one: a request holding one is refused at the door, 400, on both databases).

Refusals: read-only is SQLite's "attempt to write a readonly database" (the file or its folder
not writable, a connection opened read-only) and PostgreSQL's SQLSTATE 25006 (a read-only
transaction: a hot standby, default_transaction_read_only); busy is SQLite still locked by another
writer once its busy timeout has passed. Either way the write's transaction was rolled back.
"""

from __future__ import annotations

import logging
import time
from contextlib import ExitStack, contextmanager

from django.db import DatabaseError, connection, transaction
from django.shortcuts import render

logger = logging.getLogger(__name__)

SQLITE_PROBLEMS = {8: "read_only", 5: "busy", 6: "busy"}  # SQLITE_READONLY, SQLITE_BUSY, SQLITE_LOCKED
POSTGRESQL_PROBLEMS = {"25006": "read_only"}  # read_only_sql_transaction


def database_problem(error: BaseException) -> str | None:
    """'read_only' or 'busy' for a database error that says so, else None."""
    cause = error.__cause__ or error  # Django wraps the driver's error
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return SQLITE_PROBLEMS.get(code & 0xFF)  # the primary code of an extended one
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
    for params in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
        for name, values in params.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "")
    return None


class DatabaseErrorMiddleware:
    """A request holding a NUL character answers database_error.html (400) before its view runs;
    a view whose write the database refused answers it with 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        place = nul_place(request)
        if place is None:
            return None
        return render(request, "database_error.html", {"problem": "nul", "place": place}, status=400)

    def process_exception(self, request, exception):
        problem = database_problem(exception) if isinstance(exception, DatabaseError) else None
        if problem is None:
            return None
        logger.warning("%s %s: the database is %s: %s", request.method, request.path, problem, exception)
        return render(request, "database_error.html", {"problem": problem}, status=503)
