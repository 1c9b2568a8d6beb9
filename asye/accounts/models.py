"""People, and the roles they hold as memberships of employers or of the national body."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q

from asye import clock
from asye.tenancy.models import Employer, employer_index, employer_unique


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "ASYE co-ordinator"
    ASSESSOR = "assessor", "Assessor"
    LINE_MANAGER = "line_manager", "Line manager"
    NQSW = "nqsw", "Newly qualified social worker"
    NATIONAL_STAFF = "national_staff", "National staff"
    NQAP_MODERATOR = "nqap_moderator", "NQAP moderator"


EMPLOYER_ROLES = frozenset({Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW})
NATIONAL_ROLES = frozenset({Role.NATIONAL_STAFF, Role.NQAP_MODERATOR})
# Roles that may not use the platform without a second factor.
MFA_REQUIRED_ROLES = frozenset({Role.COORDINATOR, Role.NATIONAL_STAFF, Role.NQAP_MODERATOR})


def role_matches_scope(*, name: str) -> models.CheckConstraint:
    """An employer role only with an employer, a national role only without one: the check every row
    that grants a role (a membership, an invitation) carries."""
    return models.CheckConstraint(
        name=name,
        condition=(
            Q(employer__isnull=False, role__in=sorted(EMPLOYER_ROLES))
            | Q(employer__isnull=True, role__in=sorted(NATIONAL_ROLES))
        ),
    )


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. What they may do comes from their memberships, never from a user type."""

    email = models.EmailField("Email address", unique=True)
    full_name = models.CharField("Full name", max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    # Access to the Django admin; also needs a national staff membership (see asye.admin_site).
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=clock.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)

    def visible_to(self, actor):
        """The memberships of the employer the actor is acting for."""
        if actor.employer_id is None:
            return self.none()
        return self.filter(employer_id=actor.employer_id)


class Membership(models.Model):
    """A role a person holds: at one employer (employer roles) or nationally (employer is empty).

    An ended membership is kept (``ended_at``) so an NQSW's history across employers survives a move.
    Not an ``EmployerOwned`` model because national roles have no employer; its row-level security
    policy also lets a person read their own memberships before they have chosen an employer.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["employer_id", "role", "user_id"]
        indexes = [employer_index("role"), models.Index(fields=["user"])]
        constraints = [
            role_matches_scope(name="accounts_membership_role_matches_scope"),
            employer_unique(
                "user",
                "role",
                condition=Q(ended_at__isnull=True, employer__isnull=False),
                name="accounts_membership_one_active_employer_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(ended_at__isnull=True, employer__isnull=True),
                name="accounts_membership_one_active_national_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.employer.name if self.employer_id else "national"
        return f"{self.user} — {self.get_role_display()} ({where})"


class Invitation(models.Model):
    """An emailed, single-use, expiring invitation to take a role.

    Only the SHA-256 of the secret in the link is stored. Employer invitations are scoped to their
    employer by row-level security; the invitee finds theirs by presenting the secret.
    """

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The invitation email: how many times it has been sent (each time with a new link), when last, whether
    # that email failed and when it went, so the team page can say "Sending", "Sent" or "Not sent" and
    # offer to send it again (accounts.services: the outbox sends it after the commit).
    send_attempts = models.PositiveSmallIntegerField(default=0)
    last_send_at = models.DateTimeField(null=True, blank=True)
    last_send_failed = models.BooleanField(default=False)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [employer_index("email")]
        constraints = [role_matches_scope(name="accounts_invitation_role_matches_scope")]

    def __str__(self) -> str:
        return f"Invitation for {self.email} as {self.get_role_display()}"

    @property
    def email_status(self) -> str:
        """What became of its latest email: not_emailed, sending, sent or failed."""
        if not self.send_attempts:
            return "not_emailed"
        if self.last_send_failed:
            return "failed"
        return "sent" if self.last_sent_at else "sending"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= clock.now():
            return "expired"
        return "pending"
