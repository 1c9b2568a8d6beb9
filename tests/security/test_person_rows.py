"""Row-level security on a person's own sign-in records (security finding #12.6): sessions, second-factor
authenticators and email addresses. With nothing set the application role sees none of them; a signed-in
person sees their own; each anonymous step of signing in gets a grant to the one person it is about; and
signing in (with and without a second factor), resetting a password, signing out and sessions expiring
all still work."""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.test import Client
from django.urls import reverse

from asye import clock
from asye.accounts.sessions import SessionStore
from asye.tenancy.db import current_settings, set_request_tenant, tenant_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
SECRET = "JBSWY3DPEHPK3PXP"
TABLES = ("django_session", "mfa_authenticator", "account_emailaddress")


def totp_code() -> str:
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(SECRET, counters[len(counters) // 2]))


def raw_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (a constant from TABLES)
        return cursor.fetchone()[0]


def give_address(user) -> EmailAddress:
    with tenant_settings(user_id=user.pk):
        return EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)


def session_exists(key: str) -> bool:
    with tenant_settings(session_key=key):
        return Session.objects.filter(session_key=key).exists()


@pytest.fixture
def alice_and_bob(employer_a, mfa):
    """Two people, each with a session (in a browser of their own), an authenticator and an address."""
    alice, bob = employer_a.coordinator, employer_a.assessor
    keys = {}
    for user in (alice, bob):
        mfa(user)
        give_address(user)
        browser = Client()
        browser.force_login(user)
        keys[user.pk] = browser.session.session_key
    return alice, bob, keys


def test_with_nothing_set_no_row_of_any_person_is_visible(alice_and_bob):
    with transaction.atomic():
        set_request_tenant(employer_id=None, user_id=None)
        assert Session.objects.count() == 0
        assert Authenticator.objects.count() == 0
        assert EmailAddress.objects.count() == 0
        assert [raw_count(table) for table in TABLES] == [0, 0, 0]


def test_an_employer_or_the_national_scope_does_not_reveal_them_either(alice_and_bob, employer_a):
    with tenant_settings(employer_id=employer_a.employer.pk, national=True):
        assert [raw_count(table) for table in TABLES] == [0, 0, 0]


def test_a_signed_in_person_sees_only_their_own_authenticators_and_addresses(alice_and_bob):
    alice, bob, _ = alice_and_bob
    with transaction.atomic():
        set_request_tenant(employer_id=None, user_id=alice.pk)  # what TenantMiddleware does
        assert set(Authenticator.objects.values_list("user_id", flat=True)) == {alice.pk}
        assert set(EmailAddress.objects.values_list("email", flat=True)) == {alice.email}
        # Asking for Bob's by id finds nothing.
        assert not Authenticator.objects.filter(user=bob).exists()
        assert Session.objects.count() == 0  # sessions go by key, not by person


def test_a_person_cannot_write_a_row_for_someone_else(alice_and_bob):
    alice, bob, _ = alice_and_bob
    with pytest.raises(ProgrammingError, match="row-level security"):
        with tenant_settings(user_id=alice.pk):
            EmailAddress.objects.create(user=bob, email="bob.other@a.example")
    with tenant_settings(user_id=alice.pk):
        # Nor change or remove Bob's: his rows are not there to touch.
        assert Authenticator.objects.filter(user=bob).update(data={}) == 0
        assert Authenticator.objects.filter(user=bob).delete()[0] == 0
    with tenant_settings(user_id=bob.pk):
        assert Authenticator.objects.get(user=bob).data == {"secret": SECRET}


def test_a_session_row_is_visible_only_to_the_holder_of_its_key(alice_and_bob):
    alice, bob, keys = alice_and_bob
    with tenant_settings(session_key=keys[alice.pk]):
        assert list(Session.objects.values_list("session_key", flat=True)) == [keys[alice.pk]]
    # The store loads each by its own key.
    assert SessionStore(keys[alice.pk]).load()["_auth_user_id"] == str(alice.pk)
    assert SessionStore(keys[bob.pk]).load()["_auth_user_id"] == str(bob.pk)
    assert SessionStore("x" * 32).load() == {}


def test_the_session_store_creates_saves_and_deletes_through_its_key():
    store = SessionStore()
    store["note"] = "kept"
    store.create()
    key = store.session_key
    again = SessionStore(key)
    again["note"] = "changed"
    again.save()
    assert SessionStore(key).load() == {"note": "changed"}
    assert SessionStore().exists(key)
    SessionStore(key).delete()
    assert not session_exists(key)


def test_clearsessions_removes_expired_sessions_only(time_machine):
    first = SessionStore()
    first.create()
    time_machine.move_to(clock.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
    second = SessionStore()
    second.create()
    time_machine.move_to(clock.now() + datetime.timedelta(seconds=120))  # the first has just expired
    with tenant_settings(sessions_expired_before=clock.now().isoformat()):
        # The clean-up's grant reaches expired rows, for reading and deleting, and nothing else.
        assert list(Session.objects.values_list("session_key", flat=True)) == [first.session_key]
        assert Session.objects.update(session_data="") == 0
    call_command("clearsessions")
    assert not session_exists(first.session_key)
    assert session_exists(second.session_key)


def test_signing_in_without_a_second_factor(client, employer_a):
    response = client.post(
        reverse("account_login"), {"login": employer_a.assessor.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(employer_a.assessor.pk)
    assert "As an assessor" in client.get("/").content.decode()


def test_signing_in_with_a_second_factor_reads_only_that_persons_authenticators(client, employer_a, mfa):
    alice, bob = employer_a.coordinator, employer_a.assessor
    mfa(alice)
    mfa(bob)
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("mfa_authenticate")).status_code == 200
    # While the code is asked for, the grant names Alice and nobody else.
    assert current_settings()["app.auth_user_id"] == str(alice.pk)
    assert set(Authenticator.objects.values_list("user_id", flat=True)) == {alice.pk}
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert client.get("/team/").status_code == 200
    with tenant_settings(user_id=alice.pk):
        assert Authenticator.objects.get(user=alice, type="totp").last_used_at is not None


def test_signing_in_with_a_recovery_code_marks_it_used(client, employer_a, mfa):
    alice = employer_a.coordinator
    mfa(alice)
    with tenant_settings(user_id=alice.pk):
        code = RecoveryCodes.activate(alice).get_unused_codes()[0]
    client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(alice.pk)
    with tenant_settings(user_id=alice.pk):
        codes = RecoveryCodes(Authenticator.objects.get(user=alice, type="recovery_codes"))
        assert code not in codes.get_unused_codes()


def test_the_second_factor_page_grants_nothing_without_a_checked_password(client, employer_a, mfa):
    mfa(employer_a.coordinator)
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert current_settings()["app.auth_user_id"] == ""


def test_password_reset_works_and_clears_the_failed_sign_ins(
    client, employer_a, django_capture_on_commit_callbacks
):
    bob = employer_a.assessor
    for _ in range(5):
        client.post(reverse("account_login"), {"login": bob.email, "password": "wrong"})
    # The email is written to the outbox in the request and sent by the outbox's task once it commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": bob.email})
    assert response.status_code == 302
    assert mail.outbox[-1].to == [bob.email]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    response = client.get(link)
    assert response.status_code == 302
    new_password = "a-brand-new-pass-phrase-7"
    response = client.post(response["Location"], {"password1": new_password, "password2": new_password})
    assert response.status_code == 302, response.content.decode()[:2000]
    # The token read (and, the first time, wrote) Bob's address, under a grant for Bob alone.
    with tenant_settings(user_id=bob.pk):
        assert list(EmailAddress.objects.values_list("email", flat=True)) == [bob.email]
    with transaction.atomic():
        set_request_tenant(employer_id=None, user_id=None)
        assert EmailAddress.objects.count() == 0
    # The five failures were forgotten with the reset, so the new password gets straight in.
    response = client.post(reverse("account_login"), {"login": bob.email, "password": new_password})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(bob.pk)


def test_a_used_reset_link_is_refused(client, employer_a, django_capture_on_commit_callbacks):
    bob = employer_a.assessor
    with django_capture_on_commit_callbacks(execute=True):  # sent by the outbox's task after the commit
        client.post(reverse("account_reset_password"), {"email": bob.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(
        form_url, {"password1": "a-brand-new-pass-phrase-7", "password2": "a-brand-new-pass-phrase-7"}
    )
    response = client.get(link)
    assert "This link to reset your password has expired" in response.content.decode()


def test_signing_out_deletes_the_session_row(client, employer_a):
    client.post(reverse("account_login"), {"login": employer_a.assessor.email, "password": PASSWORD})
    key = client.session.session_key
    assert session_exists(key)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not session_exists(key)
    assert client.get("/employer/").status_code == 302


def test_an_idle_session_expires(client, employer_a, time_machine):
    client.post(reverse("account_login"), {"login": employer_a.assessor.email, "password": PASSWORD})
    assert "As an assessor" in client.get("/").content.decode()
    time_machine.move_to(clock.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60))
    response = client.get("/employer/")
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_an_active_session_is_kept_with_at_most_one_write_a_minute(client, employer_a, time_machine):
    """#14: the session's expiry follows the person's activity, but pages within a minute of the last
    write read the session and write nothing; a person active every ten minutes is never signed out."""

    def expiry():
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        with tenant_settings(session_key=key):
            return Session.objects.get(session_key=key).expire_date

    client.post(reverse("account_login"), {"login": employer_a.assessor.email, "password": PASSWORD})
    assert client.get("/employer/").status_code == 200
    first = expiry()
    time_machine.move_to(clock.now() + datetime.timedelta(seconds=20))
    assert client.get("/employer/").status_code == 200
    assert expiry() == first  # read, not written
    for _ in range(6):  # an hour of use, a page every ten minutes: longer than the idle timeout
        time_machine.move_to(clock.now() + datetime.timedelta(minutes=10))
        assert client.get("/employer/").status_code == 200
    assert expiry() > first + datetime.timedelta(minutes=50)


def test_rows_written_as_a_person_are_theirs_alone():
    carol = UserFactory()
    give_address(carol)
    with tenant_settings(auth_user_id=carol.pk):
        assert EmailAddress.objects.filter(user=carol).count() == 1
    with tenant_settings(auth_user_id=carol.pk + 1000):
        assert EmailAddress.objects.count() == 0
