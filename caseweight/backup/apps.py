from django.apps import AppConfig


class BackupConfig(AppConfig):
    """No models: the app is here for its two management commands."""

    name = "caseweight.backup"
    verbose_name = "Backup"
