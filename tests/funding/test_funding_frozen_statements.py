"""An authorised payment statement is frozen: each line keeps the NQSW's name, SWE number, programme,
instalment, funding year and amount as they were when it was authorised, whatever changes afterwards, on
every page, export and API answer; a draft shows today's values. The frozen lines cannot change in the
database, and a statement cannot be authorised without them."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from openpyxl import load_workbook

from asye.api.services import api_token_create
from asye.tenancy.db import system_national_context, tenant_context
from funding.exports import statement_csv, statement_xlsx
from funding.models import FundingYear, PaymentStatement, PaymentStatementLine
from funding.recovery_services import recovery_create
from funding.selectors import statement_lines
from funding.statement_services import statement_authorise, statement_build
from programmes.models import ProgrammeFramework, Registration
from tests.funding.conftest import register
from tests.funding.helpers import THIS_MONTH, approve, approved_claim, checker_actor, claim_of, paid_statement
from tests.programmes.conftest import actor_for

pytestmark = pytest.mark.django_db

RENAMED = ("Adaeze", "Renamed")


def rename(tenant, registration, *, swe_number="SW999001") -> None:
    """The NQSW's name and SWE number are corrected on the registration (however a correction is made:
    the statement must not follow it)."""
    with tenant_context(tenant.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(
            first_name=RENAMED[0], last_name=RENAMED[1], swe_number=swe_number
        )


def rename_programme_and_year(registration) -> None:
    """National staff rename the framework and relabel a funding year in the admin (reference data)."""
    with system_national_context():
        claim = claim_of(registration)
        framework = Registration.objects.get(pk=registration.pk).framework_version.framework
        ProgrammeFramework.objects.filter(pk=framework.pk).update(name="A renamed programme")
        FundingYear.objects.filter(pk=claim.funding_year_id).update(label="9999-00")


def csv_lines(statement) -> list[list[str]]:
    with system_national_context():
        body = statement_csv(statement).decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(body)) if row and row[0] in ("Claim", "Recovery")]


def xlsx_lines(statement) -> list[list]:
    with system_national_context():
        sheet = load_workbook(io.BytesIO(statement_xlsx(statement))).active
    return [
        [cell.value for cell in row] for row in sheet.iter_rows() if row[0].value in ("Claim", "Recovery")
    ]


def test_renaming_an_nqsw_leaves_a_paid_statement_as_it_was(
    login, client, employer_a, national, national_staff, approved
):
    """The attack of finding 9: a paid statement's CSV and XLSX followed a rename of the NQSW."""
    statement = paid_statement(employer_a, national, [approved])
    swe_then = approved.swe_number
    before_csv, before_xlsx = csv_lines(statement), xlsx_lines(statement)
    assert before_csv[0][2:4] == ["Ada Okafor", swe_then]

    rename(employer_a, approved)
    rename_programme_and_year(approved)

    assert csv_lines(statement) == before_csv
    assert xlsx_lines(statement) == before_xlsx
    with system_national_context():
        lines = statement_lines(PaymentStatement.objects.get(pk=statement.pk))
    assert [(line.nqsw, line.swe_number, line.amount) for line in lines] == [
        ("Ada Okafor", swe_then, Decimal("1000.00"))
    ]
    assert "A renamed programme" not in lines[0].programme and lines[0].funding_year != "9999-00"

    # The employer's page, downloads and API answer, and national staff's page, say the same.
    coordinator = login(employer_a.coordinator, employer_a.employer)
    for url in (
        reverse("funding:statement", args=[statement.pk]),
        reverse("funding:statement_csv", args=[statement.pk]),
    ):
        response = coordinator.get(url)
        # The CSV is streamed.
        body = b"".join(response.streaming_content if response.streaming else [response.content])
        body = body.decode("utf-8-sig")
        assert "Ada Okafor" in body and swe_then in body, url
        assert RENAMED[1] not in body and "SW999001" not in body, url
    with tenant_context(employer_a.employer.pk):
        secret = api_token_create(
            actor=actor_for(employer_a.coordinator, employer_a.employer), name="Finance"
        ).secret
    api = client.get(f"/api/v1/statements/{statement.pk}/", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert [(line["nqsw"], line["swe_number"]) for line in api["lines"]] == [("Ada Okafor", swe_then)]
    client.logout()
    staff = login(national_staff)
    body = staff.get(reverse("national_funding:statement", args=[statement.pk])).content.decode()
    assert "Ada Okafor" in body and RENAMED[1] not in body


def test_a_draft_statement_shows_todays_values(employer_a, national, approved):
    approved_claim(employer_a, national, approved)
    draft = statement_build(actor=national, employer_id=employer_a.employer.pk, month=THIS_MONTH)
    rename(employer_a, approved)
    assert csv_lines(draft)[0][2:4] == [" ".join(RENAMED), "SW999001"]
    with system_national_context():
        assert not PaymentStatementLine.objects.filter(statement=draft).exists()


def test_authorising_stores_each_line_as_it_was(employer_a, national, approved):
    second = approve(national, register(employer_a, first_name="Ben"))
    statement = paid_statement(employer_a, national, [approved])
    recovery_create(actor=national, claim_id=claim_of(approved).pk, amount="100.00", reason="Overpaid")
    approved_claim(employer_a, national, second)
    next_month = (THIS_MONTH + datetime.timedelta(days=31)).replace(day=1)
    december = statement_build(actor=national, employer_id=employer_a.employer.pk, month=next_month)
    live = csv_lines(december)
    december = statement_authorise(actor=checker_actor(), statement_id=december.pk)
    with system_national_context():
        stored = list(PaymentStatementLine.objects.filter(statement=december).order_by("position"))
    assert [(s.kind, s.nqsw_name, s.amount) for s in stored] == [
        ("claim", "Ben Okafor", Decimal("1000.00")),
        ("recovery", "Ada Okafor", Decimal("-100.00")),
    ]
    claim = claim_of(second)
    assert (stored[0].claim_id, stored[0].instalment, stored[0].funding_year) == (
        claim.pk,
        "registration",
        claim.funding_year.label,
    )
    assert stored[1].recovery_id and stored[1].note.startswith(f"Recovers {claim_of(approved).reference}")
    assert {s.employer_id for s in stored} == {employer_a.employer.pk}
    assert sum(s.amount for s in stored) == december.total
    # What the statement showed the moment before it was authorised is what it shows from then on.
    assert csv_lines(december) == live
    assert statement.pk != december.pk


def _refused(sql: str, params, match: str) -> None:
    with system_national_context(), pytest.raises(IntegrityError, match=match), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_database_keeps_frozen_lines_as_they_are(employer_a, national, approved):
    statement = paid_statement(employer_a, national, [approved], paid=False)
    with system_national_context():
        line = PaymentStatementLine.objects.get(statement=statement)
    frozen = "frozen"
    _refused("UPDATE funding_paymentstatementline SET nqsw_name = 'X' WHERE id = %s", [line.pk], frozen)
    _refused("UPDATE funding_paymentstatementline SET amount = 1 WHERE id = %s", [line.pk], frozen)
    _refused("DELETE FROM funding_paymentstatementline WHERE id = %s", [line.pk], frozen)
    _refused(
        "INSERT INTO funding_paymentstatementline (employer_id, statement_id, position, kind, reference, "
        "nqsw_name, swe_number, programme, instalment, funding_year, amount, note, frozen_at) "
        "VALUES (%s, %s, 2, 'claim', 'C1', 'X', 'SW1', 'P', 'registration', '2026-27', 5, '', now())",
        [employer_a.employer.pk, statement.pk],
        "authorised",
    )
    with system_national_context():
        assert PaymentStatementLine.objects.get(pk=line.pk).nqsw_name == "Ada Okafor"


def test_the_database_refuses_to_authorise_a_statement_without_its_frozen_lines(
    employer_a, national, approved
):
    approved_claim(employer_a, national, approved)
    statement = statement_build(actor=national, employer_id=employer_a.employer.pk, month=THIS_MONTH)
    checker = checker_actor()
    _refused(
        "UPDATE funding_paymentstatement SET status = 'authorised', authorised_at = now(), "
        "authorised_by_id = %s WHERE id = %s",
        [checker.user.pk, statement.pk],
        "frozen lines",
    )
