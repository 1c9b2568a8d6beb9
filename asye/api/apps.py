from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "asye.api"
    label = "api"

    def ready(self):
        from asye.api import schema  # noqa: F401  (registers the OpenAPI authentication extension)
