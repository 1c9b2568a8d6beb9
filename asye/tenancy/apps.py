from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "asye.tenancy"
    label = "tenancy"
