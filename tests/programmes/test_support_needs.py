"""Support needs: private by default, the co-ordinator sees kind, status and days waiting."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from programmes.models import Registration, SupportNeed
from programmes.support_need_services import (
    support_need_create,
    support_need_set_status,
    support_need_update_detail,
)
from programmes.support_selectors import support_need_get, support_need_open_list, support_need_views
from tests.programmes.conftest import STARTED, TODAY, actor_for

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    """The ``n``th day of the programme (which starts on ``STARTED``, 7 September 2026 when written)."""
    return STARTED + datetime.timedelta(days=n)


ASKED_ON = day(24)  # 1 October 2026 when written


@pytest.fixture(autouse=True)
def _today_is_fixed(monkeypatch):
    """Pages and services read today's date: pin it, so the programme is where the tests expect."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


SECRET = "I have a hearing impairment and need a loop system"


@pytest.fixture
def registration(register, employer_a):
    registration = register(employer_a)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(nqsw=employer_a.nqsw)
        registration.refresh_from_db()
    return registration


def create(tenant, registration, **overrides):
    values = {
        "kind": SupportNeed.Kind.REASONABLE_ADJUSTMENTS,
        "requested_on": ASKED_ON,
        "detail": SECRET,
        "detail_shared": False,
        "today": TODAY,
    }
    values.update(overrides)
    with tenant_context(tenant.employer.pk):
        return support_need_create(
            actor=actor_for(tenant.nqsw, tenant.employer), registration=registration, **values
        )


def set_status(tenant, user, need, status, version=None, today=TODAY):
    with tenant_context(tenant.employer.pk):
        need = SupportNeed.objects.select_related("registration").get(pk=need.pk)
        return support_need_set_status(
            actor=actor_for(user, tenant.employer),
            need=need,
            status=status,
            version=need.version if version is None else version,
            today=today,
        )


def views_for(tenant, user, today=TODAY):
    actor = actor_for(user, tenant.employer)
    with tenant_context(tenant.employer.pk):
        return support_need_open_list(actor=actor, today=today)


def test_the_detail_is_hidden_from_the_coordinator_unless_shared(employer_a, registration):
    create(employer_a, registration)
    [view] = views_for(employer_a, employer_a.coordinator)
    assert view.detail is None and not view.detail_visible
    assert view.kind_label == "Reasonable adjustments" and view.status == "requested"
    with tenant_context(employer_a.employer.pk):
        own = support_need_views(
            SupportNeed.objects.all(), actor=actor_for(employer_a.nqsw, employer_a.employer)
        )
    assert own[0].detail == SECRET


def test_the_detail_is_shown_when_shared(employer_a, registration):
    create(employer_a, registration, detail_shared=True)
    [view] = views_for(employer_a, employer_a.coordinator)
    assert view.detail == SECRET


def test_the_audit_trail_never_holds_the_detail(employer_a, registration):
    need = create(employer_a, registration)
    with tenant_context(employer_a.employer.pk):
        support_need_update_detail(
            actor=actor_for(employer_a.nqsw, employer_a.employer),
            need=SupportNeed.objects.select_related("registration").get(pk=need.pk),
            detail=SECRET + " and captions",
            detail_shared=True,
            version=1,
        )
        trail = list(AuditEvent.objects.filter(action__startswith="support_need."))
    assert [e.action for e in trail] == ["support_need.detail_changed", "support_need.created"]
    assert all("hearing" not in str(e.changes) and "hearing" not in e.object_repr for e in trail)


def test_days_waiting_counts_to_today_then_to_resolution(employer_a, registration):
    need = create(employer_a, registration, requested_on=ASKED_ON)
    [view] = views_for(employer_a, employer_a.coordinator, today=ASKED_ON + datetime.timedelta(days=30))
    assert view.days_waiting == 30
    set_status(
        employer_a, employer_a.coordinator, need, "in_progress", today=ASKED_ON + datetime.timedelta(days=9)
    )
    set_status(
        employer_a, employer_a.coordinator, need, "in_place", today=ASKED_ON + datetime.timedelta(days=14)
    )
    with tenant_context(employer_a.employer.pk):
        need = SupportNeed.objects.select_related("registration").get(pk=need.pk)
    assert need.resolved_on == ASKED_ON + datetime.timedelta(days=14)
    [view] = support_need_views(
        [need], actor=actor_for(employer_a.coordinator, employer_a.employer), today=TODAY
    )
    assert view.days_waiting == 14
    # Resolved needs leave the co-ordinator's list of open needs.
    assert views_for(employer_a, employer_a.coordinator) == []


def test_open_list_is_sorted_by_days_waiting(register, employer_a, registration):
    create(employer_a, registration, requested_on=TODAY - datetime.timedelta(days=34))
    create(employer_a, registration, requested_on=TODAY - datetime.timedelta(days=64), kind="access_to_work")
    views = views_for(employer_a, employer_a.coordinator)
    assert [v.days_waiting for v in views] == [64, 34]


def test_only_the_nqsw_withdraws_and_resolved_needs_are_final(employer_a, registration):
    need = create(employer_a, registration)
    with pytest.raises(ValidationError):
        set_status(employer_a, employer_a.coordinator, need, "withdrawn")
    need = set_status(employer_a, employer_a.nqsw, need, "withdrawn")
    assert need.status == "withdrawn" and need.resolved_on == TODAY
    with pytest.raises(ValidationError):
        set_status(employer_a, employer_a.coordinator, need, "in_place")


def test_a_stale_version_is_a_conflict(employer_a, registration):
    need = create(employer_a, registration)
    set_status(employer_a, employer_a.coordinator, need, "in_progress", version=1)
    with pytest.raises(Conflict):
        set_status(employer_a, employer_a.nqsw, need, "in_place", version=1)
    with tenant_context(employer_a.employer.pk):
        assert SupportNeed.objects.get(pk=need.pk).status == "in_progress"


def test_others_cannot_see_or_record_support_needs(employer_a, registration, register):
    need = create(employer_a, registration)
    for user in (employer_a.assessor, employer_a.line_manager):
        with tenant_context(employer_a.employer.pk), pytest.raises(Http404):
            support_need_get(actor=actor_for(user, employer_a.employer), pk=need.pk)
    other = register(employer_a, swe_number="SW900002", email="other@example.org")
    with pytest.raises(PermissionDenied):
        create(employer_a, other)


def test_create_rules(employer_a, registration):
    with pytest.raises(ValidationError) as raised:
        create(employer_a, registration, kind="massage", requested_on=TODAY + datetime.timedelta(days=1))
    assert set(raised.value.message_dict) == {"kind", "requested_on"}


# Pages ------------------------------------------------------------------------------------------------


def test_coordinator_pages_never_show_unshared_detail(login, client, employer_a, registration):
    need = create(employer_a, registration)
    login(employer_a.coordinator)
    for url in (
        reverse("support:needs"),
        reverse("support:need", args=[need.pk]),
        reverse("support:registration", args=[registration.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
    listing = client.get(reverse("support:needs")).content.decode()
    assert "Reasonable adjustments" in listing and "Ada Okafor" in listing


def test_coordinator_sees_shared_detail(login, client, employer_a, registration):
    need = create(employer_a, registration, detail_shared=True)
    login(employer_a.coordinator)
    assert SECRET in client.get(reverse("support:need", args=[need.pk])).content.decode()


def test_nqsw_records_a_need_and_sees_their_words(login, client, employer_a, registration):
    login(employer_a.nqsw)
    response = client.post(
        reverse("support:need_create"),
        {
            "kind": "access_to_work",
            "requested_on_day": str(ASKED_ON.day),
            "requested_on_month": str(ASKED_ON.month),
            "requested_on_year": str(ASKED_ON.year),
            "detail": SECRET,
        },
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        need = SupportNeed.objects.get()
    assert need.detail == SECRET and not need.detail_shared and need.created_by_id == employer_a.nqsw.pk
    assert SECRET in client.get(response["Location"]).content.decode()


def test_need_form_shows_the_error_summary(login, client, employer_a, registration):
    login(employer_a.nqsw)
    response = client.post(
        reverse("support:need_create"), {"requested_on_day": "31", "requested_on_month": "2"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "<title>Error: " in body
    assert "Select the kind of support you asked for" in body
    assert "Date you asked for it must include a year" in body
    # The link goes to the first box with the problem: the year.
    assert 'href="#id_requested_on_year"' in body and 'id="id_requested_on_year"' in body


def test_status_update_by_the_coordinator_and_a_conflict_page(login, client, employer_a, registration):
    need = create(employer_a, registration)
    login(employer_a.coordinator)
    url = reverse("support:need", args=[need.pk])
    assert client.post(url, {"status": "in_progress", "version": "1"}).status_code == 302
    stale = client.post(url, {"status": "in_place", "version": "1"})
    assert stale.status_code == 409
    assert "changed by someone else" in stale.content.decode()
    with tenant_context(employer_a.employer.pk):
        assert SupportNeed.objects.get(pk=need.pk).status == "in_progress"


def test_nqsw_stops_sharing(login, client, employer_a, registration):
    need = create(employer_a, registration, detail_shared=True)
    login(employer_a.nqsw)
    response = client.post(
        reverse("support:need_change", args=[need.pk]), {"detail": SECRET, "version": str(need.version)}
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        assert SupportNeed.objects.get(pk=need.pk).detail_shared is False
