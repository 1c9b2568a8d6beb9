from django.apps import AppConfig


class EqualityConfig(AppConfig):
    name = "equality"
