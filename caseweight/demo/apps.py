from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "caseweight.demo"
    verbose_name = "Demo"
