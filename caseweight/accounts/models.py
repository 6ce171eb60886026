from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

ROLE_CHOICES = [
    ("officer", _("Officer")),
    ("supervisor", _("Supervisor")),
    ("regional_manager", _("Regional manager")),
    ("national_analyst", _("National analyst")),
    ("union_analyst", _("Union analyst")),
]


class User(AbstractUser):
    """An account. Its role and its site / region / officer say what it may see (accounts.scope)."""

    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES, default="officer")
    region = models.ForeignKey(
        "organisation.Region", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("region"),
        help_text=_("For a regional manager: the region they manage."),
    )
    site = models.ForeignKey(
        "organisation.Site", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("site"),
        help_text=_("For a supervisor: the site they supervise."),
    )
    officer = models.OneToOneField(
        "organisation.Officer", on_delete=models.SET_NULL, null=True, blank=True, related_name="user",
        verbose_name=_("officer"), help_text=_("For an officer: their own officer record."),
    )

    def clean(self):
        super().clean()
        if self.is_superuser:
            return
        needed = {"officer": "officer", "supervisor": "site", "regional_manager": "region"}.get(self.role)
        if needed and getattr(self, f"{needed}_id") is None:
            raise ValidationError({needed: _("This role needs this field.")})
