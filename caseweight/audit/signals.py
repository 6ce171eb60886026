"""Audit every single-object save and delete of the audited models (admin, forms, shell)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from caseweight.audit.services import audit_entry, audit_record, audit_record_many, entity_of, snapshot


@receiver(pre_save)
def remember_before(sender, instance, raw=False, **kwargs):
    if raw or entity_of(instance) is None:
        return
    previous = sender._default_manager.filter(pk=instance.pk).first() if instance.pk else None
    instance._audit_before = snapshot(previous) if previous is not None else None


@receiver(post_save)
def record_save(sender, instance, created, raw=False, **kwargs):
    if raw or entity_of(instance) is None:
        return
    before = None if created else getattr(instance, "_audit_before", None)
    audit_record(instance=instance, action="create" if created else "update", before=before, after=snapshot(instance))


@receiver(post_delete)
def record_delete(sender, instance, **kwargs):
    if entity_of(instance) is None:
        return
    audit_record(instance=instance, action="delete", before=snapshot(instance), after=None)


@receiver(pre_delete, sender="organisation.Officer")
def record_unassignments(sender, instance, **kwargs):
    """Deleting an officer unassigns their cases by a bulk SET NULL, which sends no save signal:
    record each of those reassignments here, before the cases lose the officer."""
    entries = []
    for case in instance.cases.select_related("site", "officer"):
        before = snapshot(case)
        entries.append(audit_entry(instance=case, action="update", before=before, after={**before, "officer": None}))
    audit_record_many(entries)
