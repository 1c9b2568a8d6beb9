from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Backup and restore (``manage.py backup``, ``manage.py restore``)."""

    name = "asye.operations"
    label = "operations"
