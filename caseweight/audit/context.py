"""Who is making changes right now, for the audit trail (a request's user, the CLI, the demo)."""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    source: str


_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("caseweight_actor", default=Actor(None, "system", "system"))


def current_actor() -> Actor:
    return _current.get()


@contextlib.contextmanager
def acting_as(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def actor_for_user(user, source: str) -> Actor:
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(None, "anonymous", source)
    return Actor(user.pk, user.get_username(), source)
