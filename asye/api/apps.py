from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "asye.api"
    label = "api"
