"""National staff keep the frameworks in the admin; a version in use cannot change."""

import pytest

from asye.audit.models import AuditEvent
from programmes.models import FrameworkVersion, ProgrammeFramework

pytestmark = pytest.mark.django_db


def test_national_staff_publish_a_new_version_and_the_used_one_is_frozen(
    client, login, national_staff, register, employer_a, unscoped
):
    registration = register(employer_a)
    used = registration.framework_version
    login(national_staff)
    assert client.get("/admin/programmes/programmeframework/").status_code == 200
    # In use: the change form is read-only (a POST is refused).
    response = client.post(f"/admin/programmes/frameworkversion/{used.pk}/change/", {"length_months": 6})
    assert response.status_code == 403
    used.refresh_from_db()
    assert used.length_months == 12
    response = client.post(
        "/admin/programmes/frameworkversion/",
        {"action": "publish_new_version", "_selected_action": [used.pk]},
    )
    assert response.status_code == 302
    new = FrameworkVersion.objects.get(framework=used.framework, version=used.version + 1)
    assert new.length_months == 12 and new.review_months == used.review_months
    with unscoped():
        assert AuditEvent.objects.filter(action="frameworkversion.published", object_id=str(new.pk)).exists()
    # The new version is editable until a registration uses it.
    response = client.get(f"/admin/programmes/frameworkversion/{new.pk}/change/")
    assert response.status_code == 200 and b'name="length_months"' in response.content


def test_employer_staff_cannot_reach_the_frameworks(client, login, employer_a):
    employer_a.coordinator.is_staff = True
    employer_a.coordinator.save()
    login(employer_a.coordinator)
    assert client.get("/admin/programmes/programmeframework/").status_code in (302, 403)
    assert ProgrammeFramework.objects.count() == 3
