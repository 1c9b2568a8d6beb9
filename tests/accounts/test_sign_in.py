"""Sign-in, the second factor, the choice of employer and sessions."""

import pytest
from django.conf import settings
from django.urls import reverse

from asye.accounts.models import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_and_password(client, employer_a, mfa):
    response = client.post(
        reverse("account_login"), {"login": employer_a.assessor.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert "As an assessor" in client.get("/").content.decode()


def test_failed_sign_ins_are_rate_limited(client, employer_a):
    for _ in range(6):
        response = client.post(
            reverse("account_login"), {"login": employer_a.assessor.email, "password": "wrong"}
        )
    assert "Too many failed login attempts" in response.content.decode()
    # While limited, even the right password does not get in.
    response = client.post(
        reverse("account_login"), {"login": employer_a.assessor.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_coordinator_without_a_second_factor_is_sent_to_set_one_up(client, employer_a):
    client.force_login(employer_a.coordinator)
    response = client.get("/team/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Setting up the authenticator is allowed (after confirming the password, as allauth asks).
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    assert client.get("/accounts/2fa/").status_code == 200


def test_national_staff_need_a_second_factor_too(client, national_staff):
    client.force_login(national_staff)
    assert client.get("/national/").status_code == 302


def test_assessor_is_offered_but_not_forced_a_second_factor(client, employer_a):
    client.force_login(employer_a.assessor)
    assert client.get("/").status_code == 200


def test_person_with_two_employers_chooses_which_to_act_for(client, login, employer_a, employer_b):
    MembershipFactory(user=employer_a.assessor, employer=employer_b.employer, role=Role.NQSW)
    login(employer_a.assessor)
    assert client.get("/").status_code == 302
    assert client.get("/employer/")["Location"].startswith(reverse("accounts:choose_employer"))
    response = client.post(reverse("accounts:choose_employer"), {"employer": employer_b.employer.pk})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert employer_b.employer.name in html and "Your assessed and supported year" in html
    # Choosing an employer they have no role at is refused by the form.
    other = MembershipFactory(role=Role.NQSW).employer
    response = client.post(reverse("accounts:choose_employer"), {"employer": other.pk})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_sessions_end_after_inactivity():
    """Expiry follows activity (asye.accounts.session_touch moves it on at most once a minute; the
    behaviour is tested in tests/security/test_person_rows.py)."""
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert "asye.accounts.session_touch.SessionTouchMiddleware" in settings.MIDDLEWARE


def test_nobody_can_sign_themselves_up(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@y.example", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )
    from asye.accounts.models import User

    assert not User.objects.filter(email="x@y.example").exists()
    assert response.status_code in (200, 403)


def test_after_a_password_reset_a_coordinator_can_still_set_up_a_second_factor(
    client, employer_a, django_capture_on_commit_callbacks
):
    """allauth records the address (unverified) while it resets a password; that must not stop a
    co-ordinator, who must have a second factor, from setting one up."""
    import re

    from django.core import mail

    alice = employer_a.coordinator
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends it after the commit
        client.post(reverse("account_reset_password"), {"email": alice.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    new_password = "a-brand-new-pass-phrase-7"
    client.post(client.get(link)["Location"], {"password1": new_password, "password2": new_password})
    client.post(reverse("account_login"), {"login": alice.email, "password": new_password})
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    # Set up (after confirming the password, as allauth asks), not sent back with "verify your address".
    assert response.redirect_chain[-1:] in (
        [],
        [(f"{reverse('account_reauthenticate')}?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F", 302)],
    )
    assert "verified your email address" not in response.content.decode()
