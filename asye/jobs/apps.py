from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "asye.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
