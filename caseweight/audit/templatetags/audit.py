"""Display of audit entries."""

from __future__ import annotations

from django import template

register = template.Library()

EMPTY = ("", None, [])


@register.filter
def shown_changes(entry) -> list[tuple[str, object, object]]:
    """The entry's changes, without the empty fields of a creation or deletion: "— → —" says nothing."""
    changes = entry.changes
    if entry.action == "create":
        return [change for change in changes if change[2] not in EMPTY]
    if entry.action == "delete":
        return [change for change in changes if change[1] not in EMPTY]
    return changes


@register.filter
def or_dash(value) -> object:
    """An empty value as a dash, so a cleared field reads "PO-BEN → —"."""
    return "—" if value in EMPTY else value
