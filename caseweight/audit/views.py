"""The audit log: who changed what, when, before → after, within the user's scope
(accounts.scope.audit_entries_for: a union analyst sees region and site entries only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from caseweight.accounts import scope
from caseweight.accounts.access import require

ENTRIES_PER_PAGE = 50
ENTITIES = ("region", "site", "officer", "case", "absence")


@login_required
def audit_log(request):
    user = request.user
    require(scope.can_view_audit(user))
    entries = scope.audit_entries_for(user)
    entity = request.GET.get("entity", "")
    if entity in ENTITIES:
        entries = entries.filter(entity=entity)
    else:
        entity = ""
    key = request.GET.get("key", "").strip()
    if key:
        entries = entries.filter(entity_key=key)
    page = Paginator(entries.order_by("-at", "-id"), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    entities = ("region", "site") if scope.role_of(user) == "union_analyst" else ENTITIES
    context = {"page_obj": page, "entity": entity, "key": key, "entities": entities}
    return render(request, "audit/log.html", context)
