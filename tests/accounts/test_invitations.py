"""Invitations: a co-ordinator invites, the invitee lands in the right role, links work once."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from asye.accounts.models import Invitation, Membership, Role, User
from asye.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(client, login, django_capture_on_commit_callbacks):
    def send(coordinator, email="new.assessor@a.example", role=Role.ASSESSOR):
        return _invite(client, login, coordinator, django_capture_on_commit_callbacks, email=email, role=role)

    return send


def _invite(client, login, coordinator, capture, email, role):
    login(coordinator)
    with capture(execute=True):
        response = client.post(
            reverse("accounts:invite"), {"full_name": "Nia New", "email": email, "role": role}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    message = mail.outbox[-1]
    return re.search(r"https?://\S+/invitations/(\S+)/", message.body).group(1)


def test_coordinator_invites_and_a_new_person_creates_their_account(
    client, login, invite, employer_a, unscoped
):
    secret = invite(employer_a.coordinator)
    assert mail.outbox[-1].to == ["new.assessor@a.example"]
    client.logout()
    url = reverse("accounts:accept_invitation", args=[secret])
    assert "Create your account" in client.get(url).content.decode()
    response = client.post(
        url,
        {"full_name": "Nia New", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.assessor@a.example")
    with unscoped():
        assert list(Membership.objects.filter(user=user).values_list("employer_id", "role")) == [
            (employer_a.employer.pk, Role.ASSESSOR)
        ]
        assert AuditEvent.objects.filter(action="membership.created", employer=employer_a.employer).exists()
    # Signed in and acting for the employer at once.
    assert "As an assessor" in client.get("/").content.decode()
    # The link works once.
    client.logout()
    assert client.get(url).status_code == 404


def test_invitation_secret_is_not_stored(client, login, invite, employer_a, unscoped):
    secret = invite(employer_a.coordinator)
    with unscoped():
        stored = Invitation.objects.get(email="new.assessor@a.example")
    assert secret not in stored.token_hash and len(stored.token_hash) == 64


def test_existing_person_signs_in_to_accept(client, login, invite, employer_a, employer_b, unscoped):
    """Charlie, B's co-ordinator, is invited by A as an assessor: he then holds roles at both."""
    secret = invite(employer_a.coordinator, email=employer_b.coordinator.email)
    client.logout()
    url = reverse("accounts:accept_invitation", args=[secret])
    assert "Sign in to accept" in client.get(url).content.decode()
    login(employer_b.coordinator)
    assert client.post(url).status_code == 302
    with unscoped():
        roles = set(Membership.objects.filter(user=employer_b.coordinator).values_list("employer_id", "role"))
    assert roles == {(employer_a.employer.pk, Role.ASSESSOR), (employer_b.employer.pk, Role.COORDINATOR)}


def test_someone_else_cannot_use_the_link(client, login, invite, employer_a, employer_b, unscoped):
    secret = invite(employer_a.coordinator, email="someone@a.example")
    client.logout()
    login(employer_b.assessor)
    response = client.post(reverse("accounts:accept_invitation", args=[secret]))
    assert response.status_code == 403
    with unscoped():
        assert not Membership.objects.filter(user=employer_b.assessor, employer=employer_a.employer).exists()


def test_invite_form_shows_errors_and_keeps_input(client, login, invite, employer_a):
    login(employer_a.coordinator)
    response = client.post(reverse("accounts:invite"), {"full_name": "Nia", "email": "not-an-email"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter an email address in the correct format" in html
    assert "Select the role you are inviting them to" in html
    assert 'value="Nia"' in html


def test_only_coordinators_invite(client, login, invite, employer_a):
    login(employer_a.assessor)
    assert client.get(reverse("accounts:invite")).status_code == 403
    assert (
        client.post(
            reverse("accounts:invite"), {"full_name": "X", "email": "x@a.example", "role": "nqsw"}
        ).status_code
        == 403
    )


def test_cancelled_invitation_link_is_refused(client, login, invite, employer_a, unscoped):
    secret = invite(employer_a.coordinator)
    with unscoped():
        invitation = Invitation.objects.get(email="new.assessor@a.example")
    assert client.post(reverse("accounts:revoke_invitation", args=[invitation.pk])).status_code == 302
    client.logout()
    assert client.get(reverse("accounts:accept_invitation", args=[secret])).status_code == 404


def test_unknown_invitation_secret_is_404(client):
    assert client.get(reverse("accounts:accept_invitation", args=["nonsense"])).status_code == 404


def test_the_only_coordinator_cannot_remove_themselves(client, login, invite, employer_a, unscoped):
    login(employer_a.coordinator)
    with unscoped():
        own = Membership.objects.get(user=employer_a.coordinator, role=Role.COORDINATOR)
    response = client.post(reverse("accounts:end_membership", args=[own.pk]))
    assert response.status_code == 200
    assert "only co-ordinator" in response.content.decode()
    with unscoped():
        own.refresh_from_db()
    assert own.ended_at is None


def test_ending_a_membership_keeps_it_as_history(client, login, invite, employer_a, unscoped):
    login(employer_a.coordinator)
    with unscoped():
        membership = Membership.objects.get(user=employer_a.assessor)
    assert client.post(reverse("accounts:end_membership", args=[membership.pk])).status_code == 302
    with unscoped():
        membership.refresh_from_db()
        assert membership.ended_at is not None
        assert AuditEvent.objects.filter(action="membership.ended", object_id=str(membership.pk)).exists()
