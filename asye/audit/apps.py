from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "asye.audit"
    label = "audit"
