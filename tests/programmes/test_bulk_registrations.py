"""National staff decide many registrations' funding at once (#18 item 3): a check page that says how many
and for which employers, then all or nothing through the single-record service (one audit event and one
funding hook per registration); a registration changed since the check page, or one the decider may not
decide, refuses the whole decision and is named."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse

from asye.accounts.models import Membership, Role
from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from funding.models import Claim
from programmes import national_bulk
from programmes.models import FundingStatus, Registration
from tests.funding.conftest import register
from tests.funding.helpers import national_actor

pytestmark = pytest.mark.django_db

CHECK = "national_registrations:decide_check"
DECIDE = "national_registrations:decide"


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def national(national_staff):
    return national_actor(national_staff)


@pytest.fixture
def waiting(employer_a, employer_b):
    return [
        register(employer_a, first_name="Ada", swe_number="SW8410001"),
        register(employer_a, first_name="Ben", swe_number="SW8410002"),
        register(employer_b, first_name="Cara", swe_number="SW8410003"),
    ]


def statuses(registrations) -> list[str]:
    with system_national_context():
        return [Registration.objects.get(pk=r.pk).funding_status for r in registrations]


def versions_of(registrations) -> dict[int, int]:
    with system_national_context():
        return national_bulk.selection_read(
            national_bulk.selection_sign(Registration.objects.filter(pk__in=[r.pk for r in registrations]))
        )


def test_every_registration_matching_the_filters_approved_in_one_action(
    client, login, national_staff, employer_a, employer_b, waiting
):
    login(national_staff)
    check = text(client.post(reverse(CHECK), {"decision": "approve", "scope": "all"}))
    assert "Check before you decide 3 registrations" in check
    assert employer_a.employer.name in check and employer_b.employer.name in check
    token = re.search(r'name="selection" value="([^"]+)"', check).group(1)
    done = client.post(reverse(DECIDE), {"selection": token, "decision": "approve"})
    assert done.status_code == 302
    assert statuses(waiting) == [FundingStatus.APPROVED] * 3
    with system_national_context():
        assert AuditEvent.objects.filter(action="registration.funding_approved").count() == 3
        # The funding hook ran for each, as for one decision: each has its registration instalment.
        assert Claim.objects.filter(registration__in=[r.pk for r in waiting]).count() == 3


def test_a_registration_changed_since_the_check_page_refuses_all(national, employer_a, waiting):
    chosen = versions_of(waiting)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=waiting[1].pk).update(version=F("version") + 1)
    with pytest.raises(ValidationError, match=r"Ben Okafor .*was changed after you checked it"):
        national_bulk.registrations_decide_bulk(actor=national, approve=True, versions=chosen)
    assert statuses(waiting) == [FundingStatus.AWAITING_APPROVAL] * 3


def test_one_the_decider_may_not_decide_refuses_all_and_is_named(national, employer_b, waiting):
    with tenant_context(employer_b.employer.pk):
        Membership.objects.create(user=national.user, employer=employer_b.employer, role=Role.ASSESSOR)
    with pytest.raises(ValidationError, match=r"Cara Okafor .*another member of national staff must decide"):
        national_bulk.registrations_decide_bulk(actor=national, approve=True, versions=versions_of(waiting))
    assert statuses(waiting) == [FundingStatus.AWAITING_APPROVAL] * 3
    with system_national_context():
        assert not AuditEvent.objects.filter(action="registration.funding_approved").exists()


def test_ticked_ones_only_and_a_rejection_needs_its_reason(client, login, national_staff, waiting):
    login(national_staff)
    nothing = text(client.post(reverse(CHECK), {"decision": "reject", "scope": "selected"}))
    assert "Select the registrations to approve or reject" in nothing
    check = text(
        client.post(
            reverse(CHECK), {"decision": "reject", "scope": "selected", "registrations": [waiting[0].pk]}
        )
    )
    assert "Check before you decide 1 registration" in check
    token = re.search(r'name="selection" value="([^"]+)"', check).group(1)
    no_reason = text(client.post(reverse(DECIDE), {"selection": token, "decision": "reject", "note": ""}))
    assert "Give the reason the registrations are not approved" in no_reason
    client.post(reverse(DECIDE), {"selection": token, "decision": "reject", "note": "Not newly qualified"})
    assert statuses(waiting) == [
        FundingStatus.REJECTED,
        FundingStatus.AWAITING_APPROVAL,
        FundingStatus.AWAITING_APPROVAL,
    ]


def test_employers_cannot_decide_in_bulk(client, login, employer_a, waiting):
    login(employer_a.coordinator)
    assert client.post(reverse(CHECK), {"decision": "approve", "scope": "all"}).status_code == 403
    assert client.post(reverse(DECIDE), {"selection": "x", "decision": "approve"}).status_code == 403
