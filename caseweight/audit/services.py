"""Writing audit entries. Single saves are caught by signals; bulk writes (imports) call these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models

from caseweight.audit.context import current_actor
from caseweight.audit.models import AuditEntry

ENTITY_OF_MODEL = {
    "organisation.region": "region",
    "organisation.site": "site",
    "organisation.officer": "officer",
    "organisation.absence": "absence",
    "cases.case": "case",
    "distribution.reduction": "reduction",
    "distribution.assignment": "assignment",
    "distribution.caseflag": "case_flag",
    "distribution.complexityassessment": "assessment",
    "distribution.cover": "cover",
    "staffing.userpolicy": "user_policy",
}


def entity_of(instance: models.Model) -> str | None:
    return ENTITY_OF_MODEL.get(instance._meta.label_lower)


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model) -> dict:
    """Field values as they would appear in an import file (foreign keys by their code)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        if isinstance(field, models.ForeignKey):
            related = getattr(instance, field.name)
            data[field.name] = None if related is None else getattr(related, "code", getattr(related, "ref", related.pk))
        else:
            data[field.name] = _plain(getattr(instance, field.attname))
    return data


def key_of(instance: models.Model) -> str:
    if hasattr(instance, "code"):
        return instance.code
    if hasattr(instance, "ref"):
        return instance.ref
    entity = entity_of(instance)
    if entity == "absence":
        return f"{instance.officer.code}@{_plain(instance.start)}"
    # Records about a case or an officer are filed under it, so its key finds its whole story.
    if entity in ("assignment", "case_flag", "assessment", "cover"):
        return instance.case.ref
    if entity == "reduction":
        return instance.officer.code
    if entity == "user_policy":
        return instance.name
    return str(instance.pk)


def site_code_of(instance: models.Model) -> str:
    entity = entity_of(instance)
    if entity == "site":
        return instance.code
    if entity in ("officer", "case"):
        return instance.site.code
    if entity in ("absence", "reduction"):
        return instance.officer.site.code
    if entity in ("assignment", "case_flag", "assessment", "cover"):
        return instance.case.site.code
    return ""


def audit_entry(*, instance: models.Model, action: str, before: dict | None, after: dict | None) -> AuditEntry:
    actor = current_actor()
    return AuditEntry(
        actor_id=actor.user_id,
        actor_label=actor.label,
        source=actor.source,
        action=action,
        entity=entity_of(instance),
        entity_key=key_of(instance),
        site_code=site_code_of(instance),
        before=before,
        after=after,
    )


def audit_record(*, instance: models.Model, action: str, before: dict | None, after: dict | None) -> None:
    if action == "update" and before == after:
        return
    audit_entry(instance=instance, action=action, before=before, after=after).save()


def audit_record_many(entries: list[AuditEntry]) -> None:
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
