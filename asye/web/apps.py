from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "asye.web"
    label = "web"
