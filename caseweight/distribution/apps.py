from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "caseweight.distribution"
    verbose_name = _("Workload distribution")
