"""Which programme an employer runs is data (#11 item 8): national staff say which frameworks each employer
type may use, in each service area, from which date (``FrameworkAvailability``), and every way of
registering (the question pages, the API, the CSV upload, the legacy import, the demo) chooses by employer
type, service area and start date from it.

The DfE's social work induction programme (SWIP) is for statutory local-authority children's social work,
"not appropriate for, or deliverable to, social workers in ... non-statutory child and family social work"
(the news report in the seeds): from the switch, local authorities' child and family starters are on the
SWIP, and every other employer type keeps the children's ASYE. The switch date is read from the data (the
tests' reference calendar moves it with the day the suite runs as).
"""

from __future__ import annotations

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError

from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from asye.tenancy.models import EmployerType
from programmes.csv_rows import UPLOAD_COLUMNS, upload_check
from programmes.eligibility import framework_version_for, funding_year_of
from programmes.legacy_import import EMPLOYER_COLUMNS, REGISTRATION_COLUMNS, import_portal_export
from programmes.models import FrameworkAvailability, ProgrammeFramework, Registration
from programmes.services import registration_create
from tests.programmes.conftest import actor_for, facts
from tests.reference_calendar import CHILDRENS_ASYE, EARLY_CAREER, switch_day
from tests.today import LONDON, TODAY

pytestmark = pytest.mark.django_db

ADULTS_ASYE = "asye-adults"
SWIP_NAME = "Social work induction programme (SWIP): child and family (two years)"


def the_switch() -> datetime.date:
    """The first start date on the SWIP for local authorities, as the data says."""
    return FrameworkAvailability.objects.get(
        framework__code=EARLY_CAREER, employer_type=EmployerType.LOCAL_AUTHORITY
    ).available_from


def after_switch() -> datetime.date:
    return the_switch() + datetime.timedelta(days=6)


def register_on(tenant, start: datetime.date, **overrides) -> Registration:
    """Register as the tenant's co-ordinator on the start day (so the start is in a funding year open then)."""
    given = facts(start_date=start, qualification_date=start - datetime.timedelta(days=60), **overrides)
    with tenant_context(tenant.employer.pk):
        return registration_create(
            actor=actor_for(tenant.coordinator, tenant.employer), facts=given, today=start
        )


def code_of(registration: Registration) -> str:
    return registration.framework_version.framework.code


def test_after_the_switch_only_local_authorities_move_to_the_swip(employer_a, employer_b):
    """Before: every child and family start from September 2027 went onto the two-year programme."""
    assert employer_a.employer.employer_type == EmployerType.LOCAL_AUTHORITY
    assert employer_b.employer.employer_type == EmployerType.FOSTERING
    start = after_switch()
    assert code_of(register_on(employer_b, start)) == CHILDRENS_ASYE
    assert code_of(register_on(employer_a, start)) == EARLY_CAREER
    # Adults: the ASYE for everyone, before and after.
    assert (
        code_of(register_on(employer_a, start, swe_number="SW200001", service_area="adults")) == ADULTS_ASYE
    )
    assert (
        code_of(register_on(employer_b, start, swe_number="SW200002", service_area="adults")) == ADULTS_ASYE
    )


def test_before_the_switch_every_employer_type_is_on_the_childrens_asye():
    before = the_switch() - datetime.timedelta(days=1)
    for employer_type in EmployerType.values:
        version = framework_version_for(
            employer_type=employer_type, service_area="child_and_family", start_date=before
        )
        assert version.framework.code == CHILDRENS_ASYE, employer_type
        after = framework_version_for(
            employer_type=employer_type, service_area="child_and_family", start_date=after_switch()
        )
        expected = EARLY_CAREER if employer_type == EmployerType.LOCAL_AUTHORITY else CHILDRENS_ASYE
        assert after.framework.code == expected, employer_type


def test_the_two_year_programme_carries_the_name_dfe_gives_it():
    assert ProgrammeFramework.objects.get(code=EARLY_CAREER).name == SWIP_NAME


def test_the_switch_is_moved_with_the_run_day_in_both_places():
    """The SWIP's overall first start date and local authorities' rows move together (reference calendar)."""
    switch = switch_day(TODAY)
    assert the_switch() == switch
    assert ProgrammeFramework.objects.get(code=EARLY_CAREER).available_from == switch
    children_la = FrameworkAvailability.objects.get(
        framework__code=CHILDRENS_ASYE, employer_type=EmployerType.LOCAL_AUTHORITY
    )
    assert children_la.available_until == switch - datetime.timedelta(days=1)
    # The children's ASYE's own bounds stop nobody: the availability rows decide.
    assert ProgrammeFramework.objects.get(code=CHILDRENS_ASYE).available_until is None


def test_the_frameworks_own_bounds_still_hold(employer_b):
    """``ProgrammeFramework.available_from/until`` are overall bounds: a start outside them is refused for
    every employer type, whatever the availability rows say."""
    framework = ProgrammeFramework.objects.get(code=CHILDRENS_ASYE)
    framework.available_until = after_switch() - datetime.timedelta(days=1)
    framework.save(update_fields=["available_until"])
    with pytest.raises(ValidationError) as refused:
        register_on(employer_b, after_switch())
    assert "No programme for this service area accepts this start date" in str(refused.value)


def form_data(html: str) -> dict[str, str]:
    """What the admin's change form would post as it stands: every input's and select's value."""
    data: dict[str, str] = {}

    class Form(HTMLParser):
        select = None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            name = attrs.get("name")
            if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "file"):
                data[name] = attrs.get("value") or ""
            elif tag == "input" and name and attrs.get("type") == "checkbox" and "checked" in attrs:
                data[name] = "on"
            elif tag == "select" and name:
                self.select = name
                data.setdefault(name, "")
            elif tag == "option" and self.select and "selected" in attrs:
                data[self.select] = attrs.get("value") or ""
            elif tag == "textarea" and name:
                data[name] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None

    Form().feed(html)
    data.pop("csrfmiddlewaretoken", None)
    return {name: value for name, value in data.items() if "__prefix__" not in name}


def test_national_staff_open_the_swip_to_another_employer_type_in_the_admin(
    client, login, national_staff, employer_b
):
    framework = ProgrammeFramework.objects.get(code=EARLY_CAREER)
    rows = list(framework.availability.all())
    login(national_staff)
    url = f"/admin/programmes/programmeframework/{framework.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and b"Who may use it" in page.content
    prefix = "availability"
    data = form_data(page.content.decode())
    pilot = after_switch() + datetime.timedelta(days=30)
    new = len(rows)  # the inline's one empty row
    data |= {
        f"{prefix}-{new}-framework": str(framework.pk),
        f"{prefix}-{new}-employer_type": EmployerType.FOSTERING,
        f"{prefix}-{new}-available_from": pilot.isoformat(),
        f"{prefix}-{new}-available_until": "",
    }
    # Two open periods for one employer type on one framework are refused.
    overlapping = data | {
        f"{prefix}-{new}-employer_type": EmployerType.LOCAL_AUTHORITY,
    }
    refused = client.post(url, overlapping)
    assert refused.status_code == 200 and b"overlap" in refused.content
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    # From the pilot's first day, a fostering agency's child and family start goes onto the SWIP (the
    # newest availability wins); before it, still the ASYE.
    assert code_of(register_on(employer_b, pilot)) == EARLY_CAREER
    assert code_of(register_on(employer_b, pilot - datetime.timedelta(days=1), swe_number="SW300001")) == (
        CHILDRENS_ASYE
    )
    added = FrameworkAvailability.objects.get(framework=framework, employer_type=EmployerType.FOSTERING)
    event = AuditEvent.objects.get(action="frameworkavailability.added_in_admin", object_id=str(added.pk))
    assert event.changes["employer_type"] == EmployerType.FOSTERING and event.actor_user == national_staff


def test_employer_staff_cannot_change_availability(client, login, employer_a):
    employer_a.coordinator.is_staff = True
    employer_a.coordinator.save(update_fields=["is_staff"])
    login(employer_a.coordinator)
    framework = ProgrammeFramework.objects.get(code=EARLY_CAREER)
    assert client.get(f"/admin/programmes/programmeframework/{framework.pk}/change/").status_code in (
        302,
        403,
    )


# --- Every channel chooses the same way -----------------------------------------------------------------


def test_the_api_chooses_by_employer_type(client, login, employer_b, time_machine):
    start = after_switch()
    time_machine.move_to(datetime.datetime.combine(start, datetime.time(12), tzinfo=LONDON), tick=True)
    login(employer_b.coordinator)
    body = {
        "first_name": "Ada",
        "last_name": "Okafor",
        "email": "",
        "swe_number": "SW400001",
        "qualification_date": (start - datetime.timedelta(days=60)).isoformat(),
        "start_date": start.isoformat(),
        "contracted_hours": "37",
        "service_area": "child_and_family",
    }
    response = client.post("/api/v1/registrations/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    with tenant_context(employer_b.employer.pk):
        assert code_of(Registration.objects.get(swe_number="SW400001")) == CHILDRENS_ASYE


def test_the_csv_upload_chooses_by_employer_type(employer_a, employer_b):
    start = after_switch()
    row = [
        "Ada",
        "Okafor",
        "",
        "SW500001",
        (start - datetime.timedelta(days=60)).isoformat(),
        start.isoformat(),
    ]
    text = ",".join(UPLOAD_COLUMNS) + "\n" + ",".join([*row, "37", "child_and_family"]) + "\n"
    for tenant, expected in ((employer_b, CHILDRENS_ASYE), (employer_a, EARLY_CAREER)):
        with tenant_context(tenant.employer.pk):
            check = upload_check(actor=actor_for(tenant.coordinator, tenant.employer), text=text, today=start)
        [checked] = check.rows
        assert checked.errors == []
        version = framework_version_for(
            employer_type=tenant.employer.employer_type, service_area="child_and_family", start_date=start
        )
        assert version.framework.code == expected


def test_the_legacy_import_chooses_by_employer_type(unscoped):
    start = after_switch()
    cohort = funding_year_of(start)
    employers = [
        "E001,Northshire County Council,Local authority,North East",
        "E003,Harbour Fostering,Fostering,London",
    ]
    qualified = (start - datetime.timedelta(days=60)).isoformat()
    registrations = [
        f"R1,E001,child_and_family,{cohort},Amira,Khan,SW600001,,{qualified},{start.isoformat()},,,0,",
        f"R2,E003,child_and_family,{cohort},Dev,Patel,SW600002,,{qualified},{start.isoformat()},,,0,",
    ]

    def csv_bytes(header, rows) -> bytes:
        return ("\n".join([",".join(header), *rows]) + "\n").encode()

    import_portal_export(
        employers_csv=csv_bytes(EMPLOYER_COLUMNS, employers),
        registrations_csv=csv_bytes(REGISTRATION_COLUMNS, registrations),
        today=start,
    )
    with unscoped():
        found = {
            r.legacy_ref: code_of(r)
            for r in Registration.objects.filter(legacy_ref__in=["R1", "R2"]).select_related(
                "framework_version__framework"
            )
        }
    assert found == {"R1": EARLY_CAREER, "R2": CHILDRENS_ASYE}
