"""Who uploaded each user policy. The policy itself is its file (settings.POLICIES_DIR/<name>.toml);
this record says whose it is, so that only they, or a national analyst, replace it
(accounts.scope.can_replace_policy). Written by services.policy_save only, with the file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPolicy(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    # Null once the account is deleted: the file then has no owner, as one placed by hand.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("uploaded by"),
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("uploaded at"))
    digest = models.CharField(_("digest"), max_length=64, help_text=_("SHA-256 of the file as uploaded."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("user policy")
        verbose_name_plural = _("user policies")

    def __str__(self):
        return self.name
