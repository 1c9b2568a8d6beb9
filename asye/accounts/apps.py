from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "asye.accounts"
    label = "accounts"
