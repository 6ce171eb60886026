from django.apps import AppConfig


class CaseweightConfig(AppConfig):
    """The project package itself, as an app, so it can hold project-wide commands (serve)."""

    name = "caseweight"
    verbose_name = "Caseweight"
