"""Invite the first people: national staff, NQAP moderators, and an employer's first co-ordinator.

Everyone else is invited in the service by someone who already holds a role (the Team page). This
command is for operators setting up an environment; it sends the invitation email (through the outbox,
once the invitation is saved) and prints the link.

    manage.py invite --email lead@skillsforcare.example --role national_staff
    manage.py invite --email lead@council.example --role coordinator --employer "Northmoor City Council"
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from asye.accounts.actor import Actor
from asye.accounts.models import EMPLOYER_ROLES, NATIONAL_ROLES, Role
from asye.accounts.services import invitation_create
from asye.notifications.outbox import outbox_deliver
from asye.tenancy.db import system_national_context
from asye.tenancy.models import Employer


class Command(BaseCommand):
    help = "Invite someone to a national role, or to be an employer's co-ordinator."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument("--role", required=True, choices=sorted({*NATIONAL_ROLES, Role.COORDINATOR}))
        parser.add_argument("--employer", help="The employer's exact name (for --role coordinator).")
        parser.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="Where the service is, for the link."
        )
        parser.add_argument("--invited-by", default="", help="Email of the person on whose behalf this is.")

    def handle(self, *args, **options):
        with transaction.atomic():
            issued, where, base = self._invite(options)
        # Saved: send it now, so the operator hears whether it went (the outbox sends each email once,
        # whoever asks: its own task, queued on commit, finds it sent).
        outbox_deliver(email_id=issued.email_id)
        with system_national_context():
            issued.invitation.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(
                f"Invited {issued.invitation.email} as {issued.invitation.get_role_display()} ({where})."
            )
        )
        if issued.invitation.email_status == "failed":
            self.stderr.write(
                "The invitation was saved but the email could not be sent: give them the link below "
                "yourself, or run this command again once email works."
            )
        link = f"{base}/invitations/{issued.secret}/"
        self.stdout.write(f"Link (valid {settings.ASYE_INVITATION_DAYS} days, works once): {link}")

    def _invite(self, options):
        from asye.accounts.models import User

        role = options["role"]
        employer = None
        if role in EMPLOYER_ROLES:
            if not options["employer"]:
                raise CommandError("--employer is required for an employer role.")
            employer = Employer.objects.filter(name=options["employer"]).first()
            if employer is None:
                raise CommandError(f"No employer is named {options['employer']!r}.")
        # The operator acts as the system, with the roles the invitation needs; the audit trail
        # records who (--invited-by) or "system".
        inviter_email = options["invited_by"] or "system@asye.invalid"
        inviter = User.objects.filter(email=inviter_email).first() or User.objects.create_user(
            email=inviter_email, is_active=False
        )
        actor = Actor(
            user=inviter,
            employer=employer,
            roles=frozenset({Role.COORDINATOR}) if employer else frozenset(),
            national_roles=frozenset({Role.NATIONAL_STAFF}),
        )
        base = options["base_url"].rstrip("/")
        with system_national_context():
            try:
                issued = invitation_create(
                    actor=actor,
                    email=options["email"],
                    role=role,
                    full_name=options["name"],
                    accept_url_builder=lambda secret: f"{base}/invitations/{secret}/",
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
        where = employer.name if employer else "Skills for Care (national)"
        return issued, where, base
