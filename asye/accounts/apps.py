from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "asye.accounts"
    label = "accounts"

    def ready(self):
        # allauth's forms build the password-reset token generator we name in settings while they are
        # imported; importing them here, first, keeps asye.accounts.reset_tokens out of an import cycle.
        import allauth.account.forms  # noqa: F401
