from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ACTION_CHOICES = [("create", _("created")), ("update", _("updated")), ("delete", _("deleted"))]


class AuditEntry(models.Model):
    """One create, update or delete of a region, site, officer, case or absence: who, when, before, after."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("who")
    )
    # Kept even if the account is deleted, and for changes made outside a request (CLI, demo).
    actor_label = models.CharField(_("who (label)"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=20, default="web")
    action = models.CharField(_("action"), max_length=10, choices=ACTION_CHOICES)
    entity = models.CharField(_("entity"), max_length=20, db_index=True)
    entity_key = models.CharField(_("key"), max_length=80, db_index=True)
    # Codes rather than foreign keys: the entry outlives what it describes, and scopes by site.
    site_code = models.CharField(_("site"), max_length=20, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.entity} {self.entity_key}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        before, after = self.before or {}, self.after or {}
        return [
            (field, before.get(field), after.get(field))
            for field in sorted(set(before) | set(after))
            if before.get(field) != after.get(field)
        ]
