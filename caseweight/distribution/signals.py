"""Keep the assignment history complete: an existing case given another officer, or none, by a
single save outside the distribution services (the admin, a shell) is recorded. Imports
record theirs in bulk (imports.services); the services record their own, with their method. A
case's first officer, given when it is created, is in the case's creation audit entry instead."""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from caseweight.cases.models import Case
from caseweight.distribution.services import record_other_assignment


@receiver(pre_save, sender=Case)
def remember_officer(sender, instance, raw=False, **kwargs):
    if raw:
        return
    instance.officer_before = (
        sender.objects.filter(pk=instance.pk).values_list("officer_id", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Case)
def record_assignment(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    record_other_assignment(case=instance, from_officer_id=getattr(instance, "officer_before", None))
