"""How pages refuse what a user may not see.

One rule everywhere: a signed-out visitor is sent to the sign-in page (login_required); a
signed-in user asking for a page their role may not open, or for a region, site, officer or
case outside their scope, gets 403 (templates/403.html); 404 only when nothing has that code or
reference at all. Outside-scope objects are 403 rather than 404 so a supervisor who follows an
old link learns it is a matter of access, not a typo; codes and pseudonymous case references are
not secrets, the rows behind them are.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404


def get_in_scope(scoped: QuerySet, **lookup) -> Model:
    """The object matching `lookup` in `scoped` (a queryset from accounts.scope); 403 if it exists
    only outside it, 404 if it does not exist."""
    try:
        return scoped.get(**lookup)
    except scoped.model.DoesNotExist:
        if scoped.model._default_manager.filter(**lookup).exists():
            raise PermissionDenied from None
        raise Http404 from None


def require(allowed: bool) -> None:
    """403 unless the user's role allows the page."""
    if not allowed:
        raise PermissionDenied
