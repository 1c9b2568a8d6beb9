"""Who sees what: the NQSW owns the portfolio; their assessor, line manager and the co-ordinator read it;
another NQSW, an assessor or line manager not named on the registration, and another employer get 404;
national staff and NQAP moderators do not browse portfolios (403)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asye.accounts.models import Role
from asye.tenancy.db import tenant_context
from portfolios.models import Evidence, EvidenceFile
from tests.factories import person
from tests.portfolios import samples
from tests.portfolios.conftest import add_evidence, linked_registration

pytestmark = pytest.mark.django_db

WHOLE_PORTFOLIO_PAGES = ("overview", "evidence_list", "evidence_add", "coverage", "pack", "submit")
ITEM_PAGES = ("evidence", "evidence_change", "evidence_share", "evidence_respond", "evidence_file_add")


@pytest.fixture
def shared_evidence(employer_a, portfolio_a):
    return add_evidence(
        employer_a, portfolio_a, status=Evidence.Status.SHARED, files=[samples.upload("notes.txt", b"Notes")]
    )


def urls_of(registration, evidence) -> list[str]:
    with tenant_context(evidence.employer_id):
        file = EvidenceFile.objects.get(evidence=evidence)
    return (
        [reverse(f"portfolios:{name}", args=[registration.pk]) for name in WHOLE_PORTFOLIO_PAGES]
        + [reverse(f"portfolios:{name}", args=[evidence.pk]) for name in ITEM_PAGES]
        + [
            reverse("portfolios:evidence_file", args=[file.pk]),
            reverse("portfolios:evidence_file_remove", args=[file.pk]),
        ]
    )


def test_another_nqsw_at_the_same_employer_gets_404_for_everything(
    client, login, employer_a, registration_a, shared_evidence
):
    nqsw_b = person(role=Role.NQSW, employer=employer_a.employer, email="nqsw.b@alphashire.example")
    linked_registration(employer_a, nqsw=nqsw_b)
    login(nqsw_b)
    for url in urls_of(registration_a, shared_evidence):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"version": 2, "decision": "accepted", "confirm": "on"}).status_code == 404, (
            url
        )
    with tenant_context(employer_a.employer.pk):
        assert Evidence.objects.get(pk=shared_evidence.pk).status == Evidence.Status.SHARED


@pytest.mark.parametrize("role", [Role.LINE_MANAGER, Role.ASSESSOR])
def test_an_assessor_or_line_manager_not_named_on_the_registration_gets_404(
    client, login, employer_a, registration_a, shared_evidence, role
):
    stranger = person(role=role, employer=employer_a.employer, email=f"not.named.{role}@alphashire.example")
    login(stranger)
    for url in urls_of(registration_a, shared_evidence):
        assert client.get(url).status_code == 404, url


def test_another_employers_people_get_404(
    client, login, employer_a, employer_b, registration_a, shared_evidence
):
    for user in (employer_b.coordinator, employer_b.assessor, employer_b.line_manager, employer_b.nqsw):
        login(user)
        for url in urls_of(registration_a, shared_evidence):
            assert client.get(url).status_code == 404, (user.email, url)


def test_national_staff_and_moderators_do_not_browse_portfolios(
    client, login, national_staff, registration_a, shared_evidence
):
    moderator = person(role=Role.NQAP_MODERATOR, email="moderator@nqap.example")
    for user in (national_staff, moderator):
        login(user)
        for url in urls_of(registration_a, shared_evidence):
            assert client.get(url).status_code in (403, 404), (user.email, url)
        assert client.get(reverse("portfolios:overview", args=[registration_a.pk])).status_code == 403


@pytest.mark.parametrize("who", ["nqsw", "assessor", "line_manager", "coordinator"])
def test_the_nqsw_and_the_people_named_read_the_portfolio(
    client, login, employer_a, registration_a, shared_evidence, who
):
    login(getattr(employer_a, who))
    for name in ("overview", "evidence_list", "coverage"):
        assert client.get(reverse(f"portfolios:{name}", args=[registration_a.pk])).status_code == 200, name
    assert client.get(reverse("portfolios:evidence", args=[shared_evidence.pk])).status_code == 200
    with tenant_context(employer_a.employer.pk):
        file = EvidenceFile.objects.get(evidence=shared_evidence)
    assert client.get(reverse("portfolios:evidence_file", args=[file.pk])).status_code == 200


def test_a_co_ordinator_also_registered_as_an_nqsw_elsewhere_sees_only_this_employers(
    client, login, employer_a, employer_b, registration_a, shared_evidence
):
    # Membership at B as well: acting for B, A's portfolio is out of reach.
    from tests.factories import MembershipFactory

    MembershipFactory(user=employer_a.coordinator, employer=employer_b.employer, role=Role.COORDINATOR)
    login(employer_a.coordinator, employer=employer_b.employer)
    assert client.get(reverse("portfolios:overview", args=[registration_a.pk])).status_code == 404
    login(employer_a.coordinator, employer=employer_a.employer)
    assert client.get(reverse("portfolios:overview", args=[registration_a.pk])).status_code == 200
