from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "asye.accounts"
    label = "accounts"

    def ready(self):
        # allauth's forms build the password-reset token generator we name in settings while they are
        # imported; importing them here, first, keeps asye.accounts.reset_tokens out of an import cycle.
        import allauth.account.forms  # noqa: F401

        # What became of an invitation's email is recorded on the invitation (the outbox sends it).
        from asye.accounts.services import INVITATION_EMAIL, invitation_email_outcome
        from asye.notifications.outbox import outbox_on_outcome

        outbox_on_outcome(INVITATION_EMAIL, invitation_email_outcome)
