from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "caseweight.distribution"
    label = "distribution"
    verbose_name = _("Workload distribution")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from caseweight.distribution import signals  # noqa: F401  (connects the receivers)
