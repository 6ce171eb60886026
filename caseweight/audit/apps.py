from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "caseweight.audit"
    verbose_name = _("Audit")

    def ready(self):
        from caseweight.audit import signals  # noqa: F401  (connects the audit receivers)
