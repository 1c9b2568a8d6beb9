"""Funding years and rates are data: loaded by a migration, edited by national staff in the admin (audited),
never by anyone else."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context
from funding.models import FundingRate, FundingYear, Instalment
from tests.funding.helpers import claim_of

pytestmark = pytest.mark.django_db


def test_years_run_1_april_to_31_march_with_a_march_claim_deadline():
    years = list(
        FundingYear.objects.order_by("starts_on").values_list(
            "label", "starts_on", "ends_on", "claim_deadline"
        )
    )
    # The migration loads 2025-26 to 2027-28; the tests' reference calendar carries years forward and
    # back around the run's day (tests/reference_calendar.py), by the same rule.
    labels = [label for label, *_ in years]
    assert {"2025-26", "2026-27", "2027-28"} <= set(labels)
    assert labels == sorted(labels)
    for label, starts_on, ends_on, deadline in years:
        first = int(label[:4])
        assert (starts_on, ends_on) == (datetime.date(first, 4, 1), datetime.date(first + 1, 3, 31))
        assert deadline.month == 3 and deadline.year == first + 1 and deadline.weekday() == 4  # a Friday


def rates(code: str) -> dict[tuple[str, str], Decimal]:
    return {
        (label, instalment): amount
        for label, instalment, amount in FundingRate.objects.filter(framework__code=code).values_list(
            "funding_year__label", "instalment", "amount"
        )
    }


def test_child_and_family_2026_27_is_2000_as_1000_at_registration_and_1000_at_completion():
    cf = rates("asye-child-family")
    assert cf[("2026-27", Instalment.REGISTRATION)] == Decimal("1000.00")
    assert cf[("2026-27", Instalment.COMPLETION)] == Decimal("1000.00")
    assert set(cf) >= {(y, i) for y in ("2025-26", "2026-27", "2027-28") for i in Instalment.values}
    assert set(cf) == {(y.label, i) for y in FundingYear.objects.all() for i in Instalment.values}


def test_adults_rates_are_data_set_by_dhsc_and_the_early_career_programme_has_its_own():
    adults = FundingRate.objects.filter(framework__code="asye-adults", funding_year__label="2026-27")
    assert sum(r.amount for r in adults) == Decimal("2000.00")
    assert {r.set_by for r in adults} == {"DHSC"} and all("DHSC sets" in r.notes for r in adults)
    ecp = rates("ecp-child-family")
    assert ("2027-28", Instalment.REGISTRATION) in ecp and ("2027-28", Instalment.COMPLETION) in ecp
    assert not any(label < "2027-28" for label, _ in ecp if label in ("2025-26", "2026-27"))


def test_loading_again_changes_nothing_national_staff_edited():
    from importlib import import_module

    from django.apps import apps

    FundingRate.objects.filter(framework__code="asye-adults").update(amount=Decimal("750.00"))
    years = FundingYear.objects.count()
    import_module("funding.migrations.0003_load_years_and_rates").load(apps, None)
    assert set(rates("asye-adults").values()) == {Decimal("750.00")}
    assert FundingYear.objects.count() == years


def test_national_staff_edit_rates_in_the_admin_and_it_is_audited(
    client, login, national_staff, employer_a, approved
):
    rate = FundingRate.objects.get(
        framework__code="asye-adults", funding_year__label="2026-27", instalment=Instalment.COMPLETION
    )
    login(national_staff)
    assert client.get("/admin/funding/fundingyear/").status_code == 200
    response = client.post(
        f"/admin/funding/fundingrate/{rate.pk}/change/",
        {"amount": "1500.00", "set_by": "DHSC", "notes": "Confirmed by DHSC for 2026-27"},
    )
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.amount == Decimal("1500.00")
    with system_national_context():
        event = AuditEvent.objects.get(action="fundingrate.changed_in_admin")
    assert event.actor_user_id == national_staff.pk and event.changes["amount"] == ["1000.00", "1500.00"]
    # Claims already made keep their amount.
    assert claim_of(approved).amount == Decimal("1000.00")


def test_a_years_budget_is_set_in_the_admin_with_its_rates_inline(client, login, national_staff):
    year = FundingYear.objects.get(label="2026-27")
    login(national_staff)
    page = client.get(f"/admin/funding/fundingyear/{year.pk}/change/")
    assert page.status_code == 200 and b"rates-TOTAL_FORMS" in page.content
    data = {
        "claim_deadline": "2027-03-12",
        "budget_child_and_family": "6400000.00",
        "budget_adults": "",
        "notes": "",
        "rates-TOTAL_FORMS": "0",
        "rates-INITIAL_FORMS": "0",
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/admin/funding/fundingyear/{year.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    year.refresh_from_db()
    assert year.budget_child_and_family == Decimal("6400000.00")


def test_employer_staff_cannot_reach_the_admin(client, login, employer_a):
    login(employer_a.coordinator)
    response = client.get("/admin/funding/fundingrate/")
    assert response.status_code in (302, 403)
