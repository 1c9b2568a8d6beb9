"""National staff keep the frameworks in the admin: drafts, then published versions; used ones frozen."""

import pytest
from dateutil.relativedelta import relativedelta

from asye.audit.models import AuditEvent
from programmes.eligibility import framework_version_for
from programmes.models import FrameworkVersion, ProgrammeFramework
from tests.programmes.conftest import STARTED, TODAY

pytestmark = pytest.mark.django_db


def test_a_draft_is_edited_then_published_and_only_then_used(
    client, login, national_staff, register, employer_a, unscoped
):
    registration = register(employer_a)
    used = registration.framework_version
    login(national_staff)
    assert client.get("/admin/programmes/programmeframework/").status_code == 200
    # Published: the change form refuses a POST.
    response = client.post(f"/admin/programmes/frameworkversion/{used.pk}/change/", {"length_months": 6})
    assert response.status_code == 403
    used.refresh_from_db()
    assert used.length_months == 12

    response = client.post(
        "/admin/programmes/frameworkversion/", {"action": "copy_as_draft", "_selected_action": [used.pk]}
    )
    assert response.status_code == 302
    draft = FrameworkVersion.objects.get(framework=used.framework, version=used.version + 1)
    assert draft.published_at is None and draft.review_months == used.review_months
    # New registrations still start under the published version while the copy is a draft.
    start = STARTED
    assert framework_version_for(
        employer_type=employer_a.employer.employer_type, service_area="child_and_family", start_date=start
    ) == used
    # The draft is editable.
    response = client.get(f"/admin/programmes/frameworkversion/{draft.pk}/change/")
    assert response.status_code == 200 and b'name="length_months"' in response.content

    response = client.post(
        "/admin/programmes/frameworkversion/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    assert framework_version_for(
        employer_type=employer_a.employer.employer_type, service_area="child_and_family", start_date=start
    ) == draft
    with unscoped():
        actions = set(AuditEvent.objects.filter(object_id=str(draft.pk)).values_list("action", flat=True))
    assert {"frameworkversion.drafted", "frameworkversion.published"} <= actions


def test_a_new_frameworks_first_version_is_added_as_a_draft(client, login, national_staff):
    framework = ProgrammeFramework.objects.create(
        code="pilot", name="Pilot", service_area="adults", available_from=TODAY + relativedelta(years=3)
    )
    login(national_staff)
    response = client.post(
        "/admin/programmes/frameworkversion/add/",
        {
            "framework": framework.pk,
            "length_months": 12,
            "review_months": "[3, 6, 12]",
            "optional_review_months": "[]",
            "supervision_weekly_weeks": 6,
            "supervision_fortnightly_until_month": 6,
            "supervision_monthly_after": "on",
            "protected_time_percent": "10",
            "caseload_cap_percent": "90",
            "direct_observations": 3,
            "requires_signed_agreement": "on",
            "review_window_weeks": 4,
            "protected_time_tolerance_percent": "10",
            "protected_time_settling_in_weeks": 4,
            "full_time_hours": "37",
            "funding_qualification_years": 4,
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    version = framework.versions.get()
    assert version.version == 1 and version.published_at is None
    assert framework.current_version() is None


def test_employer_staff_cannot_reach_the_frameworks(client, login, employer_a):
    employer_a.coordinator.is_staff = True
    employer_a.coordinator.save()
    login(employer_a.coordinator)
    assert client.get("/admin/programmes/programmeframework/").status_code in (302, 403)
    assert ProgrammeFramework.objects.count() == 3
