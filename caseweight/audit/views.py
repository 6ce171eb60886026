"""The audit log: who changed what, when, before → after, within the user's scope
(accounts.scope.audit_entries_for: a union analyst sees region and site entries only)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from caseweight.accounts import scope
from caseweight.accounts.access import require
from caseweight.audit.services import ENTITY_OF_MODEL

ENTRIES_PER_PAGE = 50


def entity_labels() -> dict[str, str]:
    """Every entity the audit records (audit.services.ENTITY_OF_MODEL), labelled by its model's
    verbose name in the page's language: "case_flag" reads "case flag", or "signalement de cas"."""
    labels = {}
    for model, entity in ENTITY_OF_MODEL.items():
        try:
            labels[entity] = apps.get_model(model)._meta.verbose_name
        except LookupError:
            labels[entity] = entity
    return labels


@login_required
def audit_log(request):
    user = request.user
    require(scope.can_view_audit(user))
    entries = scope.audit_entries_for(user)
    labels = entity_labels()
    entity = request.GET.get("entity", "")
    if entity in labels:
        entries = entries.filter(entity=entity)
    else:
        entity = ""
    key = request.GET.get("key", "").strip()
    if key:
        entries = entries.filter(entity_key=key)
    page = Paginator(entries.order_by("-at", "-id"), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for entry in page.object_list:
        entry.entity_label = labels.get(entry.entity, entry.entity)
    codes = ("region", "site") if scope.role_of(user) == "union_analyst" else labels
    entities = [(code, labels[code]) for code in codes]
    context = {"page_obj": page, "entity": entity, "key": key, "entities": entities}
    return render(request, "audit/log.html", context)
