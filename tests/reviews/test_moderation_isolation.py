"""Isolation of national moderation.

The employer's routes (``reviews:moderation_case``, ``reviews:moderation_withdraw``, ``reviews:good_practice``)
are in OBJECT_ROUTES, so tests/test_isolation.py proves another employer's object is a 404 and unchanged;
``make_case`` and ``make_application`` here make employer B's objects for it.

The national routes (namespace ``moderation``) are EXEMPT as "national": this module proves that nobody
acting for an employer opens any of them (403 before anything is read, and nothing changes), that national
staff's pages refuse moderators, and that a moderator gets 404 for every case that is not theirs, their own
employer's included, even when they guess its id.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.forms.models import model_to_dict
from django.urls import reverse

from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from portfolios.models import Evidence, EvidenceFile
from portfolios.uploads import evidence_storage, storage_name_for
from reviews import national_urls
from reviews.models import GoodPracticeApplication, ModerationCase
from reviews.moderation_services.good_practice import good_practice_apply
from tests.factories import MembershipFactory
from tests.reviews.test_moderation_support import (
    actor_for,
    assign,
    assigned_case,
    make_moderator,
    portfolio,
    submit_voluntarily,
)

pytestmark = pytest.mark.django_db


# --- ``make`` functions for tests/reviews/isolation_routes.py -------------------------------------------------


def make_case(employer_b, unscoped) -> ModerationCase:
    """A portfolio of employer B's, submitted voluntarily for national moderation (still withdrawable)."""
    return submit_voluntarily(employer_b, portfolio(employer_b))


def make_application(employer_b, unscoped) -> GoodPracticeApplication:
    with tenant_context(employer_b.employer.pk):
        return good_practice_apply(
            actor=actor_for(employer_b.coordinator, employer_b.employer),
            title="B's practice",
            description="B's description",
        )


# --- The national routes ----------------------------------------------------------------------------------

NATIONAL_STAFF_ROUTES = {
    "index",
    "round_create",
    "round",
    "case",
    "good_practice_register",
    "good_practice_decide",
    "exemplar_create",
    "exemplar_edit",
}
LIBRARY_ROUTES = {"exemplars", "exemplar"}
MODERATOR_ROUTES = {"my_cases", "my_case", "my_case_findings", "my_case_pack", "my_case_file"}


def test_every_national_route_is_classified():
    names = {pattern.name for pattern in national_urls.urlpatterns}
    assert names == NATIONAL_STAFF_ROUTES | LIBRARY_ROUTES | MODERATOR_ROUTES


def _url(name: str, pk: int) -> str:
    pattern = next(p for p in national_urls.urlpatterns if p.name == name)
    converters = set(pattern.pattern.converters)
    kwargs = {key: pk for key in converters}
    return reverse(f"moderation:{name}", kwargs=kwargs)


def snapshot(model, pk):
    with system_national_context():
        obj = model.objects.filter(pk=pk).first()
        return model_to_dict(obj) if obj else None


@pytest.mark.parametrize("role", ["coordinator", "assessor", "line_manager", "nqsw"])
def test_nobody_acting_for_an_employer_opens_a_national_route(
    client, login, employer_a, national_staff, role
):
    moderator = make_moderator()
    case = assigned_case(employer_a, national_staff, moderator)
    before = snapshot(ModerationCase, case.pk)
    login(getattr(employer_a, role))
    for pattern in national_urls.urlpatterns:
        url = _url(pattern.name, case.pk)
        assert client.get(url).status_code == 403, url
        assert (
            client.post(
                url, {"version": case.version, "strengths": "x", "moderator": moderator.pk}
            ).status_code
            == 403
        ), url
    assert snapshot(ModerationCase, case.pk) == before


def test_a_moderator_does_not_open_national_staffs_pages(client, login, employer_a, national_staff):
    moderator = make_moderator()
    case = assigned_case(employer_a, national_staff, moderator)
    login(moderator)
    for name in NATIONAL_STAFF_ROUTES:
        assert client.get(_url(name, case.pk)).status_code == 403, name


def test_national_staff_do_not_open_a_moderators_pages(client, login, employer_a, national_staff):
    case = assigned_case(employer_a, national_staff, make_moderator())
    login(national_staff)
    for name in MODERATOR_ROUTES:
        assert client.get(_url(name, case.pk)).status_code == 403, name


def _evidence_file(tenant, case) -> EvidenceFile:
    with tenant_context(tenant.employer.pk):
        evidence = Evidence.objects.create(
            employer_id=tenant.employer.pk,
            portfolio_id=case.portfolio_id,
            title="A shared piece",
            status=Evidence.Status.SHARED,
            created_by=tenant.coordinator,
        )
        name = evidence_storage().save(
            storage_name_for(tenant.employer.pk), ContentFile(b"%PDF-1.4\n%%EOF\n")
        )
        return EvidenceFile.objects.create(
            employer_id=tenant.employer.pk,
            evidence=evidence,
            storage_name=name,
            original_name="reflection.pdf",
            content_type="application/pdf",
            size=15,
            sha256="0" * 64,
            uploaded_by=tenant.coordinator,
        )


def test_a_moderator_gets_404_for_every_case_not_theirs(
    client, login, employer_a, employer_b, national_staff
):
    moderator = make_moderator()
    mine = assigned_case(employer_b, national_staff, moderator)
    someone_elses = assigned_case(employer_a, national_staff, make_moderator())
    waiting = submit_voluntarily(employer_a, portfolio(employer_a))
    # A case of an employer the moderator joined after it was assigned to them.
    later_joined = assigned_case(employer_a, national_staff, moderator)
    MembershipFactory(user=moderator, employer=employer_a.employer, role=Role.ASSESSOR)
    file_elsewhere = _evidence_file(employer_a, someone_elses)
    login(moderator)
    for name in MODERATOR_ROUTES - {"my_cases", "my_case_file"}:
        assert client.get(_url(name, mine.pk)).status_code == 200, name
        for case in (someone_elses, waiting, later_joined):
            assert client.get(_url(name, case.pk)).status_code == 404, (name, case)
        assert client.get(_url(name, 10**9)).status_code == 404, name
    # A file is reached only through the moderator's own case, and only a file of that case's portfolio.
    own_file = _evidence_file(employer_b, mine)
    ok = client.get(reverse("moderation:my_case_file", kwargs={"case_pk": mine.pk, "pk": own_file.pk}))
    assert ok.status_code == 200 and ok["Content-Disposition"].startswith("attachment")
    for case_pk, file_pk in ((mine.pk, file_elsewhere.pk), (someone_elses.pk, file_elsewhere.pk)):
        url = reverse("moderation:my_case_file", kwargs={"case_pk": case_pk, "pk": file_pk})
        assert client.get(url).status_code == 404, url
    html = client.get(reverse("moderation:my_cases")).content.decode()
    assert _url("my_case", mine.pk) in html
    for case in (someone_elses, waiting, later_joined):
        assert _url("my_case", case.pk) not in html


def test_a_draft_evidence_file_is_not_served_to_the_moderator(client, login, employer_a, national_staff):
    moderator = make_moderator()
    case = assigned_case(employer_a, national_staff, moderator)
    draft_file = _evidence_file(employer_a, case)
    with tenant_context(employer_a.employer.pk):
        Evidence.objects.filter(pk=draft_file.evidence_id).update(status=Evidence.Status.DRAFT)
    login(moderator)
    url = reverse("moderation:my_case_file", kwargs={"case_pk": case.pk, "pk": draft_file.pk})
    assert client.get(url).status_code == 404


def test_the_pack_downloads_for_the_cases_moderator(client, login, employer_a, national_staff):
    moderator = make_moderator()
    case = assigned_case(employer_a, national_staff, moderator, evidence=True)
    login(moderator)
    response = client.get(_url("my_case_pack", case.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    with system_national_context():
        event = AuditEvent.objects.get(action="moderation.pack_downloaded")
    assert event.employer_id is None and event.changes["case"] == case.pk


def test_an_employer_reassigning_is_impossible_even_with_a_forged_form(
    client, login, employer_a, national_staff
):
    moderator = make_moderator()
    case = submit_voluntarily(employer_a, portfolio(employer_a))
    login(employer_a.coordinator)
    response = client.post(_url("case", case.pk), {"moderator": moderator.pk, "version": 1})
    assert response.status_code == 403
    with system_national_context():
        assert ModerationCase.objects.get(pk=case.pk).moderator_id is None
    assign(national_staff, case, moderator)  # national staff may
