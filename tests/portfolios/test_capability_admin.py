"""National staff keep the capability frameworks in the admin: copy a published version as a draft,
edit its statements inline, publish it; new portfolios take it, started ones keep theirs; a version in
use is frozen; every change is audited; employer staff cannot reach it."""

from __future__ import annotations

import pytest

from asye.accounts.actor import build_actor
from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_settings
from portfolios.admin import CapabilitySetAdmin
from portfolios.models import CapabilitySet, CapabilityStatement
from tests.factories import person
from tests.portfolios.conftest import linked_registration, portfolio_of

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/portfolios/capabilityset/"


def new_nqsw(tenant, name: str):
    return person(role=Role.NQSW, employer=tenant.employer, email=f"{name}@alphashire.example")


def change_url(capability_set) -> str:
    return f"{CHANGELIST}{capability_set.pk}/change/"


def inline_data(capability_set, rows: list[dict], *, extra_new: list[dict] = ()) -> dict:
    """The change form's POST: the set's fields and its statements formset."""
    prefix = "statements"
    existing = list(capability_set.statements.order_by("number"))
    data = {
        "name": capability_set.name,
        "short_name": capability_set.short_name,
        "kind": capability_set.kind,
        "service_area": capability_set.service_area,
        "source": capability_set.source,
        f"{prefix}-TOTAL_FORMS": str(len(existing) + len(extra_new)),
        f"{prefix}-INITIAL_FORMS": str(len(existing)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    if capability_set.has_self_assessment:
        data["has_self_assessment"] = "on"
    for i, statement in enumerate(existing):
        row = {"number": statement.number, "title": statement.title, "description": statement.description}
        row.update(rows[i] if i < len(rows) else {})
        data.update(
            {
                f"{prefix}-{i}-id": str(statement.pk),
                f"{prefix}-{i}-capability_set": str(capability_set.pk),
                f"{prefix}-{i}-number": str(row["number"]),
                f"{prefix}-{i}-title": row["title"],
                f"{prefix}-{i}-description": row["description"],
            }
        )
        if row.get("DELETE"):
            data[f"{prefix}-{i}-DELETE"] = "on"
    for j, row in enumerate(extra_new, start=len(existing)):
        data.update(
            {
                f"{prefix}-{j}-capability_set": str(capability_set.pk),
                f"{prefix}-{j}-number": str(row["number"]),
                f"{prefix}-{j}-title": row["title"],
                f"{prefix}-{j}-description": row.get("description", ""),
            }
        )
    return data


def test_a_draft_is_copied_edited_inline_published_and_then_used_by_new_portfolios(
    client, login, national_staff, employer_a, unscoped
):
    started = portfolio_of(employer_a, linked_registration(employer_a))
    pqs_v1 = CapabilitySet.objects.get(code="cf-pqs", version=1)
    login(national_staff)
    assert client.get(CHANGELIST).status_code == 200

    response = client.post(CHANGELIST, {"action": "copy_as_draft", "_selected_action": [pqs_v1.pk]})
    assert response.status_code == 302
    draft = CapabilitySet.objects.get(code="cf-pqs", version=2)
    assert draft.published_at is None and draft.statements.count() == 10

    page = client.get(change_url(draft))
    assert page.status_code == 200 and b'name="statements-0-title"' in page.content
    data = inline_data(
        draft,
        [{"title": "Building relationships and direct work with children and families"}]
        + [{}] * 8
        + [{"DELETE": True}],
        extra_new=[{"number": 11, "title": "Working with the family court"}],
    )
    response = client.post(change_url(draft), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    titles = dict(draft.statements.values_list("number", "title"))
    assert titles[1] == "Building relationships and direct work with children and families"
    assert 10 not in titles and titles[11] == "Working with the family court"
    # The published version is untouched.
    assert pqs_v1.statements.get(number=1).title == "Relationships and effective direct work"

    # A new portfolio still gets version 1 while the copy is a draft...
    second = portfolio_of(employer_a, linked_registration(employer_a, nqsw=new_nqsw(employer_a, "second")))
    with unscoped():
        assert set(second.capability_sets.values_list("code", "version")) == {("pcf", 1), ("cf-pqs", 1)}

    response = client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None

    # ...and version 2 once it is published; the portfolio already started keeps version 1.
    third = portfolio_of(employer_a, linked_registration(employer_a, nqsw=new_nqsw(employer_a, "third")))
    with unscoped():
        assert ("cf-pqs", 2) in set(third.capability_sets.values_list("code", "version"))
        assert ("cf-pqs", 1) in set(started.capability_sets.values_list("code", "version"))
        actions = set(AuditEvent.objects.filter(object_id=str(draft.pk)).values_list("action", flat=True))
        statement_actions = set(
            AuditEvent.objects.filter(object_type="portfolios.capabilitystatement").values_list(
                "action", flat=True
            )
        )
    assert {"capabilityset.drafted", "capabilityset.published", "capabilityset.changed_in_admin"} <= actions
    assert {
        "capabilitystatement.changed_in_admin",
        "capabilitystatement.added_in_admin",
        "capabilitystatement.deleted_in_admin",
    } <= statement_actions


def test_a_version_in_use_is_frozen(client, login, national_staff, employer_a):
    portfolio_of(employer_a, linked_registration(employer_a))
    pcf = CapabilitySet.objects.get(code="pcf", version=1)
    login(national_staff)
    page = client.get(change_url(pcf))
    assert page.status_code == 200 and b'name="statements-0-title"' not in page.content
    response = client.post(change_url(pcf), inline_data(pcf, [{"title": "Renamed"}]))
    assert response.status_code == 403
    assert CapabilityStatement.objects.get(capability_set=pcf, number=1).title == "Professionalism"


def test_a_version_without_statements_is_not_published(client, login, national_staff):
    empty = CapabilitySet.objects.create(
        code="ecf", version=1, name="Early career standards", short_name="ECS", kind="standards"
    )
    login(national_staff)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [empty.pk]})
    empty.refresh_from_db()
    assert empty.published_at is None


def test_a_new_framework_is_added_as_a_draft_numbered_after_its_code(client, login, national_staff):
    login(national_staff)
    response = client.post(
        f"{CHANGELIST}add/",
        {
            "code": "cf-pqs",
            "name": "Post-qualifying standards (2028)",
            "short_name": "PQS",
            "kind": "standards",
            "service_area": "child_and_family",
            "source": "",
            "statements-TOTAL_FORMS": "0",
            "statements-INITIAL_FORMS": "0",
            "statements-MIN_NUM_FORMS": "0",
            "statements-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    added = CapabilitySet.objects.get(name="Post-qualifying standards (2028)")
    assert added.version == 2 and added.published_at is None


def test_nothing_is_deleted_from_the_admin(rf, national_staff):
    from django.contrib.admin.sites import site

    admin = CapabilitySetAdmin(CapabilitySet, site)
    request = rf.get("/")
    request.user = national_staff
    with tenant_settings(user_id=national_staff.pk):
        request.actor = build_actor(national_staff, employer_id=None)
    assert admin.has_change_permission(request) is True
    assert admin.has_delete_permission(request) is False


def test_employer_staff_cannot_reach_the_capability_frameworks(client, login, employer_a):
    employer_a.coordinator.is_staff = True
    employer_a.coordinator.save()
    login(employer_a.coordinator)
    assert client.get(CHANGELIST).status_code in (302, 403)
    pcf = CapabilitySet.objects.get(code="pcf", version=1)
    assert client.post(CHANGELIST, {"action": "copy_as_draft", "_selected_action": [pcf.pk]}).status_code in (
        302,
        403,
    )
    assert not CapabilitySet.objects.filter(code="pcf", version=2).exists()
