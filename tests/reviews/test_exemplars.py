"""The NQAP's exemplars library: national staff create, edit and publish annotated, anonymised extracts;
moderators and national staff read the whole library; an employer's co-ordinators and assessors read the
published ones only (a draft is a 404); nobody else reads them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import system_national_context, tenant_context
from portfolios.models import CapabilityStatement
from reviews.models import Exemplar
from reviews.moderation_selectors import exemplars_published
from reviews.moderation_services.exemplars import exemplar_create, exemplar_set_published, exemplar_update
from tests.reviews.test_moderation_support import actor_for, make_moderator

pytestmark = pytest.mark.django_db


def make_exemplar(staff, *, title="Reflecting on a home visit", published=False, service_area="", **extra):
    actor = actor_for(staff)
    exemplar = exemplar_create(
        actor=actor,
        title=title,
        extract="I visited the family and noticed the child was quiet.",
        annotation="Links the observation to PCF 7 and names what the NQSW would do differently.",
        service_area=service_area,
        **extra,
    )
    if published:
        exemplar = exemplar_set_published(
            actor=actor, exemplar=exemplar, published=True, version=exemplar.version
        )
    return exemplar


def statement() -> CapabilityStatement:
    return (
        CapabilityStatement.objects.select_related("capability_set")
        .filter(capability_set__published_at__isnull=False)
        .first()
    )


def test_national_staff_create_a_draft_tagged_to_a_statement_and_area(national_staff):
    tagged = statement()
    exemplar = make_exemplar(national_staff, service_area="adults", statement_id=tagged.pk)
    assert not exemplar.published and exemplar.statement_id == tagged.pk and exemplar.service_area == "adults"
    with system_national_context():
        event = AuditEvent.objects.get(action="exemplar.created")
    assert event.employer_id is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", ""), ("extract", " "), ("annotation", ""), ("service_area", "space"), ("statement_id", 10**9)],
)
def test_an_exemplar_is_checked(national_staff, field, value):
    values = {"title": "T", "extract": "E", "annotation": "A", "service_area": "", "statement_id": None}
    values[field] = value
    with pytest.raises(ValidationError) as error:
        exemplar_create(actor=actor_for(national_staff), **values)
    assert field.removesuffix("_id") in error.value.message_dict


def test_only_national_staff_write_the_library(national_staff, employer_a):
    exemplar = make_exemplar(national_staff)
    for actor in (actor_for(make_moderator()), actor_for(employer_a.coordinator, employer_a.employer)):
        with pytest.raises(PermissionDenied):
            exemplar_create(actor=actor, title="T", extract="E", annotation="A")
        with pytest.raises(PermissionDenied):
            exemplar_set_published(actor=actor, exemplar=exemplar, published=True, version=1)


def test_a_stale_edit_is_refused_and_the_text_kept(client, login, national_staff):
    exemplar = make_exemplar(national_staff)
    exemplar_update(
        actor=actor_for(national_staff),
        exemplar=exemplar,
        version=1,
        title="Renamed by a colleague",
        extract="E",
        annotation="Colleague's annotation",
    )
    with pytest.raises(Conflict):
        exemplar_update(
            actor=actor_for(national_staff),
            exemplar=exemplar,
            version=1,
            title="Mine",
            extract="E",
            annotation="A",
        )
    login(national_staff)
    response = client.post(
        reverse("moderation:exemplar_edit", args=[exemplar.pk]),
        {"title": "My title", "extract": "My extract", "annotation": "My annotation", "version": 1},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "My annotation" in html and "Colleague&#x27;s annotation" in html
    with system_national_context():
        assert Exemplar.objects.get(pk=exemplar.pk).title == "Renamed by a colleague"


def test_publishing_and_withdrawing(client, login, national_staff):
    exemplar = make_exemplar(national_staff)
    login(national_staff)
    url = reverse("moderation:exemplar", args=[exemplar.pk])
    assert client.post(url, {"action": "publish", "version": exemplar.version}).status_code == 302
    with system_national_context():
        exemplar = Exemplar.objects.get(pk=exemplar.pk)
    assert exemplar.published
    assert client.post(url, {"action": "publish", "version": 1}).status_code == 409  # stale
    assert client.post(url, {"action": "unpublish", "version": exemplar.version}).status_code == 302
    with system_national_context():
        assert not Exemplar.objects.get(pk=exemplar.pk).published
        assert (
            AuditEvent.objects.filter(action__in=["exemplar.published", "exemplar.unpublished"]).count() == 2
        )


def test_moderators_read_the_whole_library_but_do_not_publish(client, login, national_staff):
    draft = make_exemplar(national_staff, title="A draft exemplar")
    login(make_moderator())
    html = client.get(reverse("moderation:exemplars")).content.decode()
    assert "A draft exemplar" in html and "Add an exemplar" not in html
    url = reverse("moderation:exemplar", args=[draft.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "publish", "version": 1}).status_code == 403
    assert client.get(reverse("moderation:exemplar_create")).status_code == 403
    assert client.get(reverse("moderation:exemplar_edit", args=[draft.pk])).status_code == 403


@pytest.mark.parametrize("role", ["coordinator", "assessor"])
def test_employers_read_published_exemplars_only(client, login, national_staff, employer_a, role):
    published = make_exemplar(national_staff, title="Published one", published=True)
    draft = make_exemplar(national_staff, title="Draft one")
    login(getattr(employer_a, role))
    html = client.get(reverse("reviews:exemplar_list")).content.decode()
    assert "Published one" in html and "Draft one" not in html
    assert client.get(reverse("reviews:exemplar", args=[published.pk])).status_code == 200
    assert client.get(reverse("reviews:exemplar", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reviews:exemplar", args=[10**9])).status_code == 404
    # The national library's own pages stay national.
    assert client.get(reverse("moderation:exemplars")).status_code == 403


@pytest.mark.parametrize("role", ["nqsw", "line_manager"])
def test_others_at_an_employer_do_not_read_exemplars(client, login, national_staff, employer_a, role):
    published = make_exemplar(national_staff, published=True)
    login(getattr(employer_a, role))
    assert client.get(reverse("reviews:exemplar_list")).status_code == 403
    assert client.get(reverse("reviews:exemplar", args=[published.pk])).status_code == 403


def test_the_employer_list_filters_by_service_area(national_staff, employer_a):
    make_exemplar(national_staff, title="Adults", service_area="adults", published=True)
    make_exemplar(national_staff, title="Children", service_area="child_and_family", published=True)
    make_exemplar(national_staff, title="Everyone", published=True)
    actor = actor_for(employer_a.coordinator, employer_a.employer)
    assert {e.title for e in exemplars_published(actor=actor, service_area="adults")} == {
        "Adults",
        "Everyone",
    }
    assert len(exemplars_published(actor=actor)) == 3


def test_an_employer_request_cannot_read_the_library_directly(employer_a, national_staff):
    """The library is national-only under row-level security; only the published selector lifts it."""
    make_exemplar(national_staff, published=True)
    with tenant_context(employer_a.employer.pk):
        assert Exemplar.objects.count() == 0
