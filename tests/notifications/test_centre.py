"""The notification centre: the unread count in the header, the list, mark one or all read, each person's
own only (another's is a 404, colleague or not), the email choice and the daily digest."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asye.accounts.models import Role
from asye.notifications.digest import digests_send
from asye.notifications.models import EmailFrequency, Notification
from asye.notifications.services import notify
from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
from tests.factories import person

pytestmark = pytest.mark.django_db


def tell(tenant, user, message="A review is overdue", link="/reviews/", **kwargs):
    with tenant_context(tenant.employer.pk):
        return notify(
            person=user,
            employer_id=tenant.employer.pk,
            kind="review.overdue",
            message=message,
            link=link,
            **kwargs,
        )


def test_the_header_shows_the_unread_count_and_the_list_links_to_the_page(client, login, employer_a):
    tell(employer_a, employer_a.assessor, message="Ada's 3-month review is overdue")
    tell(employer_a, employer_a.assessor, message="Ben's observation is behind")
    login(employer_a.assessor)
    home = client.get("/").content.decode()
    assert 'href="/notifications/"' in home and '2<span class="govuk-visually-hidden"> unread</span>' in home
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Ada&#x27;s 3-month review is overdue" in page and "You have 2 unread notifications" in page


def test_the_count_is_cached_until_a_notification_is_added_or_read(client, login, employer_a):
    tell(employer_a, employer_a.assessor)
    login(employer_a.assessor)
    client.get("/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    assert not [q for q in warm.captured_queries if "notifications_notification" in q["sql"]]
    tell(employer_a, employer_a.assessor, message="Another")
    assert "2<span" in client.get("/").content.decode()


def test_mark_one_then_all_read(client, login, employer_a):
    first = tell(employer_a, employer_a.assessor)
    tell(employer_a, employer_a.assessor, message="Second")
    login(employer_a.assessor)
    assert client.get(reverse("notifications:read", args=[first.pk])).status_code == 405
    response = client.post(reverse("notifications:read", args=[first.pk]), {"go": "1"})
    assert response.status_code == 302 and response["Location"] == "/reviews/"
    assert "You have 1 unread notification." in client.get(reverse("notifications:list")).content.decode()
    client.post(reverse("notifications:read_all"))
    with tenant_context(employer_a.employer.pk):
        assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_a_colleagues_notification_is_a_404_and_stays_unread(client, login, employer_a):
    theirs = tell(employer_a, employer_a.assessor)
    login(employer_a.coordinator)  # same employer, any role: still not theirs
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert "A review is overdue" not in client.get(reverse("notifications:list")).content.decode()
    client.post(reverse("notifications:read_all"))
    with tenant_context(employer_a.employer.pk):
        assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_national_staff_see_their_own_national_notifications_only(client, login, employer_a, national_staff):
    with system_national_context():
        mine = notify(person=national_staff, employer_id=None, kind="claims.waiting", message="Claims wait")
        other = person(role=Role.NATIONAL_STAFF)
        notify(person=other, employer_id=None, kind="claims.waiting", message="Not yours")
    tell(employer_a, employer_a.coordinator, message="An employer's notification")
    login(national_staff)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Claims wait" in page and "Not yours" not in page and "An employer&#x27;s" not in page
    assert client.post(reverse("notifications:read", args=[mine.pk])).status_code == 302
    # Someone else's request at an employer never reads a national person's notification.
    with tenant_settings(
        employer_id=employer_a.employer.pk, user_id=employer_a.coordinator.pk, national=False
    ):
        assert not Notification.objects.filter(employer__isnull=True).exists()


def test_the_daily_digest_instead_of_an_email_each(
    client, login, employer_a, django_capture_on_commit_callbacks
):
    login(employer_a.assessor)
    response = client.post(reverse("notifications:preferences"), {"email_frequency": EmailFrequency.DAILY})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        tell(employer_a, employer_a.assessor, message="First thing")
        tell(employer_a, employer_a.assessor, message="Second thing")
    assert mail.outbox == []  # none at once
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send()["digests"] == 1
    [digest] = mail.outbox
    assert "First thing" in digest.body and "Second thing" in digest.body
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send()["digests"] == 0  # nothing new: nothing sent
    assert len(mail.outbox) == 1


def test_the_preference_page_refuses_nonsense(client, login, employer_a):
    login(employer_a.assessor)
    page = client.post(reverse("notifications:preferences"), {"email_frequency": "hourly"}).content.decode()
    assert "There is a problem" in page


def test_national_staff_see_the_scheduled_jobs(client, login, national_staff, employer_a):
    login(national_staff)
    page = client.get(reverse("schedules:list")).content.decode()
    assert (
        "Daily reminders" in page and "Send the email outbox" in page and "Tasks waiting in the queue" in page
    )
    login(employer_a.coordinator)
    assert client.get(reverse("schedules:list")).status_code == 403
