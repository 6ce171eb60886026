from django.apps import AppConfig


class CaseweightConfig(AppConfig):
    """The project package itself, as an app, so it can hold project-wide commands (serve)."""

    name = "caseweight"
    verbose_name = "Caseweight"

    def ready(self):
        from django.contrib import admin

        from caseweight.admin_dates import guard_drill_downs

        guard_drill_downs(admin.site)  # the admin app, first of the apps, has registered every admin by now
