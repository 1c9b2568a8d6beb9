"""The first people, the admin's sign-in, the second factor on the API, the health check."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from asye.accounts.models import Membership, Role, User

pytestmark = pytest.mark.django_db


def test_invite_command_invites_the_first_national_staff(
    client, capsys, unscoped, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("invite", "--email", "Lead@SkillsForCare.example", "--role", "national_staff")
    link = re.search(r"/invitations/(\S+)/", capsys.readouterr().out).group(0)
    assert mail.outbox[-1].to == ["lead@skillsforcare.example"]
    response = client.post(
        link,
        {"full_name": "Lee Lead", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )
    assert response.status_code == 302
    with unscoped():
        assert Membership.objects.filter(
            user__email="lead@skillsforcare.example", role=Role.NATIONAL_STAFF, employer__isnull=True
        ).exists()


def test_invite_command_invites_an_employers_first_coordinator(capsys, employer_b):
    call_command(
        "invite",
        "--email",
        "first@b.example",
        "--role",
        "coordinator",
        "--employer",
        employer_b.employer.name,
    )
    assert "Betaford Fostering" in capsys.readouterr().out


def test_the_system_inviter_cannot_sign_in(db):
    call_command("invite", "--email", "n@n.example", "--role", "nqap_moderator")
    system = User.objects.get(email="system@asye.invalid")
    assert not system.is_active and not system.has_usable_password()


def test_admin_sign_in_is_the_services_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_person_without_a_second_factor_cannot_use_the_api_by_session(client, employer_a):
    client.force_login(employer_a.coordinator)
    response = client.get("/api/v1/memberships/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_moderators_need_a_second_factor(client, db):
    from tests.factories import person

    moderator = person(role=Role.NQAP_MODERATOR)
    client.force_login(moderator)
    assert client.get("/").status_code == 302


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_unknown_role_filter_is_a_validation_problem(client, login, employer_a):
    login(employer_a.coordinator)
    response = client.get("/api/v1/memberships/?role=national_staff")
    assert response.status_code == 400 and "role" in response.json()["errors"]
