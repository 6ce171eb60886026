"""Audit every single-object save and delete of the audited models (admin, forms, shell)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from caseweight.audit.services import audit_record, entity_of, snapshot


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
