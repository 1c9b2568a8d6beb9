"""Payment statements: built from approved claims and pending recoveries, totals equal to the sum of their
lines to the penny, unchangeable once authorised (by the services and by the database), paid; and their
XLSX and CSV exports, opened and checked figure by figure."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from openpyxl import load_workbook

from asye.tenancy.db import system_national_context
from funding.exports import safe_text, statement_csv, statement_xlsx
from funding.models import Claim, ClaimStatus, FundingRate, PaymentStatement, Recovery
from funding.recovery_services import recovery_cancel, recovery_create
from funding.statement_services import (
    statement_authorise,
    statement_build,
    statement_mark_paid,
    statement_remove_line,
    statements_build_all,
)
from tests.funding.helpers import approve, approved_claim, checker_actor, claim_of, paid_statement, register
from tests.programmes.conftest import STARTED, TODAY
from tests.today import funding_year_label

pytestmark = pytest.mark.django_db

# This month and the next (written when they were November and December 2026).
NOV = TODAY.replace(day=1)
DEC = (NOV + datetime.timedelta(days=31)).replace(day=1)


@pytest.fixture
def registrations(employer_a, national):
    """Three of A's registrations approved for funding, at odd amounts so pence are exercised."""
    with system_national_context():
        FundingRate.objects.filter(
            funding_year__label=funding_year_label(STARTED), instalment="registration"
        ).update(amount=Decimal("333.33"))
    return [approve(national, register(employer_a, first_name=n)) for n in ("Ada", "Ben", "Cara")]


def lines_sum(statement) -> tuple[Decimal, Decimal]:
    with system_national_context():
        claims = Claim.objects.filter(statement=statement).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        recoveries = Recovery.objects.filter(statement=statement).aggregate(s=Sum("amount"))["s"] or Decimal(
            "0"
        )
    return claims, recoveries


def test_a_statement_is_built_from_approved_claims_and_its_totals_reconcile(
    employer_a, national, registrations
):
    for registration in registrations[:2]:
        approved_claim(employer_a, national, registration)
    statement = statement_build(
        actor=national, employer_id=employer_a.employer.pk, month=NOV + datetime.timedelta(days=16)
    )
    assert statement.month == NOV and statement.status == PaymentStatement.Status.DRAFT
    assert statement.total_claims == Decimal("666.66") == lines_sum(statement)[0]
    assert statement.total == statement.total_claims - statement.total_recoveries
    assert claim_of(registrations[2]).status == ClaimStatus.DRAFT  # not approved: not on it
    # A claim approved later tops the draft up; the totals follow.
    approved_claim(employer_a, national, registrations[2])
    statement = statement_build(actor=national, employer_id=employer_a.employer.pk, month=NOV)
    assert statement.total == Decimal("999.99") == lines_sum(statement)[0]


def test_nothing_to_pay_is_refused(employer_a, national, registrations):
    with pytest.raises(ValidationError) as raised:
        statement_build(actor=national, employer_id=employer_a.employer.pk, month=NOV)
    assert "employer" in raised.value.message_dict
    with pytest.raises(ValidationError):
        statements_build_all(actor=national, month=NOV)


def test_an_authorised_statement_cannot_change_through_the_services(employer_a, national, registrations):
    statement = paid_statement(employer_a, national, registrations[:1], paid=False)
    approved_claim(employer_a, national, registrations[1])
    with pytest.raises(ValidationError, match="choose a later month"):
        statement_build(actor=national, employer_id=employer_a.employer.pk, month=NOV)
    with pytest.raises(ValidationError):
        statement_remove_line(
            actor=national, statement_id=statement.pk, claim_id=claim_of(registrations[0]).pk
        )
    with pytest.raises(ValidationError):
        statement_authorise(actor=checker_actor(), statement_id=statement.pk)
    from funding.services import claim_void

    with pytest.raises(ValidationError, match="record a recovery"):
        claim_void(actor=national, claim_id=claim_of(registrations[0]).pk, reason="x")
    # The approved claim waits for the next month's statement.
    december = statement_build(actor=national, employer_id=employer_a.employer.pk, month=DEC)
    assert december.total == Decimal("333.33")
    with system_national_context():
        statement.refresh_from_db()
    assert statement.total == Decimal("333.33") == lines_sum(statement)[0]


def _refused(statement_sql: str, params) -> None:
    from django.db import connection

    with (
        system_national_context(),
        pytest.raises(IntegrityError, match=r"authorised|paid"),
        transaction.atomic(),
    ):
        with connection.cursor() as cursor:
            cursor.execute(statement_sql, params)


def test_the_database_refuses_changes_to_an_authorised_statement_and_its_lines(
    employer_a, national, registrations
):
    statement = paid_statement(employer_a, national, registrations[:2], paid=False)
    claim = claim_of(registrations[0])
    _refused("UPDATE funding_paymentstatement SET total_claims = 1, total = 1 WHERE id = %s", [statement.pk])
    _refused("UPDATE funding_paymentstatement SET status = 'draft' WHERE id = %s", [statement.pk])
    _refused("DELETE FROM funding_paymentstatement WHERE id = %s", [statement.pk])
    _refused("UPDATE funding_claim SET amount = 1 WHERE id = %s", [claim.pk])
    _refused("UPDATE funding_claim SET statement_id = NULL, status = 'approved' WHERE id = %s", [claim.pk])
    _refused("DELETE FROM funding_claim WHERE id = %s", [claim.pk])
    # Nothing can be slipped onto it either.
    other = approved_claim(employer_a, national, registrations[2])
    _refused(
        "UPDATE funding_claim SET statement_id = %s, status = 'on_statement' WHERE id = %s",
        [statement.pk, other.pk],
    )
    with system_national_context():
        statement.refresh_from_db()
    assert statement.total == Decimal("666.66") == lines_sum(statement)[0]


def test_the_database_refuses_to_authorise_totals_that_do_not_reconcile(employer_a, national, registrations):
    approved_claim(employer_a, national, registrations[0])
    statement = statement_build(actor=national, employer_id=employer_a.employer.pk, month=NOV)
    from django.db import connection

    with (
        system_national_context(),
        pytest.raises(IntegrityError, match="does not reconcile"),
        transaction.atomic(),
    ):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE funding_paymentstatement SET total_claims = 1000, total = 1000, status = 'authorised', "
                "authorised_at = now() WHERE id = %s",
                [statement.pk],
            )


def test_a_paid_statement_pays_its_claims_and_never_changes_again(employer_a, national, registrations):
    statement = paid_statement(employer_a, national, registrations[:2])
    with system_national_context():
        claims = list(Claim.objects.filter(statement=statement))
    assert {c.status for c in claims} == {ClaimStatus.PAID} and {c.paid_on for c in claims} == {TODAY}
    with pytest.raises(ValidationError, match="already paid"):
        statement_mark_paid(actor=national, statement_id=statement.pk, paid_on=TODAY, today=TODAY)
    _refused("UPDATE funding_paymentstatement SET payment_reference = 'X' WHERE id = %s", [statement.pk])
    _refused("UPDATE funding_claim SET status = 'on_statement' WHERE id = %s", [claims[0].pk])


def test_marking_paid_needs_an_authorised_statement_and_a_real_past_date(employer_a, national, registrations):
    approved_claim(employer_a, national, registrations[0])
    statement = statement_build(actor=national, employer_id=employer_a.employer.pk, month=NOV)
    with pytest.raises(ValidationError, match="Authorise"):
        statement_mark_paid(actor=national, statement_id=statement.pk, paid_on=TODAY, today=TODAY)
    statement_authorise(actor=checker_actor(), statement_id=statement.pk)
    with pytest.raises(ValidationError) as raised:
        statement_mark_paid(
            actor=national, statement_id=statement.pk, paid_on=TODAY + datetime.timedelta(days=1), today=TODAY
        )
    assert "paid_on" in raised.value.message_dict


def test_recoveries_are_netted_off_the_next_statement(employer_a, national, registrations):
    paid_statement(employer_a, national, registrations[:1])
    paid_claim = claim_of(registrations[0])
    recovery = recovery_create(actor=national, claim_id=paid_claim.pk, amount="100.01", reason="Overpaid")
    with pytest.raises(ValidationError) as raised:
        recovery_create(actor=national, claim_id=paid_claim.pk, amount="233.33", reason="More")
    assert "£233.32 or less" in raised.value.message_dict["amount"][0]
    approved_claim(employer_a, national, registrations[1])
    december = statement_build(actor=national, employer_id=employer_a.employer.pk, month=DEC)
    assert (december.total_claims, december.total_recoveries, december.total) == (
        Decimal("333.33"),
        Decimal("100.01"),
        Decimal("233.32"),
    )
    assert lines_sum(december) == (Decimal("333.33"), Decimal("100.01"))
    statement_authorise(actor=checker_actor(), statement_id=december.pk)
    statement_mark_paid(actor=national, statement_id=december.pk, paid_on=TODAY, today=TODAY)
    with system_national_context():
        assert Recovery.objects.get(pk=recovery.pk).status == Recovery.Status.RECOVERED
        assert Claim.objects.get(pk=paid_claim.pk).status == ClaimStatus.PAID  # keeps its history


def test_recovery_rules(employer_a, national, registrations):
    draft = claim_of(registrations[0])
    with pytest.raises(ValidationError, match="Only a paid claim"):
        recovery_create(actor=national, claim_id=draft.pk, amount="10", reason="x")
    paid_statement(employer_a, national, registrations[1:2])
    paid = claim_of(registrations[1])
    for amount, message in (
        ("0", "more than £0"),
        ("1.234", "2 decimal places"),
        ("ten", "pounds and pence"),
    ):
        with pytest.raises(ValidationError, match=message):
            recovery_create(actor=national, claim_id=paid.pk, amount=amount, reason="x")
    recovery = recovery_create(actor=national, claim_id=paid.pk, amount="£333.33", reason="Paid twice")
    recovery_cancel(actor=national, recovery_id=recovery.pk, reason="Not paid twice after all")
    again = recovery_create(actor=national, claim_id=paid.pk, amount="333.33", reason="Paid twice")
    assert again.amount == Decimal("333.33")


def test_a_statement_of_recoveries_only_is_due_from_the_employer(employer_a, national, registrations):
    paid_statement(employer_a, national, registrations[:1])
    recovery_create(actor=national, claim_id=claim_of(registrations[0]).pk, amount="50", reason="Overpaid")
    statement = statement_build(actor=national, employer_id=employer_a.employer.pk, month=DEC)
    assert statement.total == Decimal("-50.00")
    statement_authorise(actor=checker_actor(), statement_id=statement.pk)
    rows = list(csv.reader(io.StringIO(statement_csv(statement).decode("utf-8-sig"))))
    assert ["Total due from the employer", "", "", "", "", "", "", "-50.00", ""] in rows


def test_build_all_makes_one_statement_per_employer_with_something_to_pay(
    employer_a, employer_b, national, registrations
):
    approved_claim(employer_a, national, registrations[0])
    b = approve(national, register(employer_b))
    approved_claim(employer_b, national, b)
    built = statements_build_all(actor=national, month=NOV)
    assert sorted(s.employer_id for s in built) == sorted([employer_a.employer.pk, employer_b.employer.pk])
    for statement in built:
        assert statement.total == lines_sum(statement)[0] - lines_sum(statement)[1]


def test_removing_a_line_puts_the_claim_back_and_the_totals_follow(employer_a, national, registrations):
    claims = [approved_claim(employer_a, national, r) for r in registrations]
    statement = statement_build(actor=national, employer_id=employer_a.employer.pk, month=NOV)
    statement = statement_remove_line(actor=national, statement_id=statement.pk, claim_id=claims[1].pk)
    assert statement.total == Decimal("666.66") == lines_sum(statement)[0]
    assert claim_of(registrations[1]).status == ClaimStatus.APPROVED
    statement_remove_line(actor=national, statement_id=statement.pk, claim_id=claims[0].pk)
    empty = statement_remove_line(actor=national, statement_id=statement.pk, claim_id=claims[2].pk)
    assert empty.total == 0
    with pytest.raises(ValidationError, match="no claims"):
        statement_authorise(actor=checker_actor(), statement_id=empty.pk)


def test_only_national_staff_build_authorise_and_pay(employer_a, national, registrations):
    from django.core.exceptions import PermissionDenied

    from tests.programmes.conftest import actor_for

    coordinator = actor_for(employer_a.coordinator, employer_a.employer)
    approved_claim(employer_a, national, registrations[0])
    with pytest.raises(PermissionDenied):
        statement_build(actor=coordinator, employer_id=employer_a.employer.pk, month=NOV)
    statement = statement_build(actor=national, employer_id=employer_a.employer.pk, month=NOV)
    for service in (statement_authorise, statement_remove_line):
        with pytest.raises(PermissionDenied):
            service(actor=coordinator, statement_id=statement.pk)
    with pytest.raises(PermissionDenied):
        statement_mark_paid(actor=coordinator, statement_id=statement.pk, paid_on=TODAY)


def test_a_stale_version_cannot_authorise(employer_a, national, registrations):
    from asye.errors import Conflict

    approved_claim(employer_a, national, registrations[0])
    statement = statement_build(actor=national, employer_id=employer_a.employer.pk, month=NOV)
    seen = statement.version
    approved_claim(employer_a, national, registrations[1])
    statement_build(actor=national, employer_id=employer_a.employer.pk, month=NOV)  # topped up since
    with pytest.raises(Conflict):
        statement_authorise(actor=checker_actor(), statement_id=statement.pk, version=seen)


# --- Exports -----------------------------------------------------------------------------------------


@pytest.fixture
def statement(employer_a, national, registrations):
    paid = paid_statement(employer_a, national, registrations[:1])
    recovery_create(actor=national, claim_id=claim_of(registrations[0]).pk, amount="33.30", reason="Overpaid")
    for registration in registrations[1:]:
        approved_claim(employer_a, national, registration)
    december = statement_build(actor=national, employer_id=employer_a.employer.pk, month=DEC)
    assert paid.pk != december.pk
    return statement_authorise(actor=checker_actor(), statement_id=december.pk)


def test_the_xlsx_opens_with_the_right_figures(statement):
    with system_national_context():
        sheet = load_workbook(io.BytesIO(statement_xlsx(statement))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["Payment statement", statement.reference]
    header = rows.index(
        ["Line", "Reference", "NQSW", "Social Work England number", "Programme", "Instalment", "Funding year",
         "Amount (£)", "Note"]
    )  # fmt: skip
    lines = [row for row in rows[header + 1 :] if row[0] in ("Claim", "Recovery")]
    assert [(row[0], row[2], Decimal(str(row[7]))) for row in lines] == [
        ("Claim", "Ben Okafor", Decimal("333.33")),
        ("Claim", "Cara Okafor", Decimal("333.33")),
        ("Recovery", "Ada Okafor", Decimal("-33.30")),
    ]
    totals = {
        row[0]: Decimal(str(row[7])) for row in rows if row[0] in ("Claims", "Recoveries", "Total to pay")
    }
    assert totals == {
        "Claims": Decimal("666.66"),
        "Recoveries": Decimal("-33.30"),
        "Total to pay": Decimal("633.36"),
    }
    # The totals are the sum of the lines to the penny.
    assert sum(Decimal(str(row[7])) for row in lines) == totals["Total to pay"] == statement.total
    amount_cell = sheet.cell(row=header + 2, column=8)
    assert amount_cell.number_format == '"£"#,##0.00;-"£"#,##0.00'


def test_the_csv_has_the_same_figures(statement):
    with system_national_context():
        body = statement_csv(statement)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    lines = [row for row in rows if row and row[0] in ("Claim", "Recovery")]
    assert [row[7] for row in lines] == ["333.33", "333.33", "-33.30"]
    assert ["Total to pay", "", "", "", "", "", "", "633.36", ""] in rows
    assert sum(Decimal(row[7]) for row in lines) == Decimal("633.36")


def test_exports_never_carry_a_formula(employer_a, national):
    from programmes.models import Registration

    registration = approve(
        national, register(employer_a, first_name='=HYPERLINK("http://x")', last_name="@SUM(A1)")
    )
    with system_national_context():
        assert Registration.objects.get(pk=registration.pk).first_name.startswith("=")
    statement = paid_statement(employer_a, national, [registration], paid=False)
    with system_national_context():
        sheet = load_workbook(io.BytesIO(statement_xlsx(statement))).active
        body = statement_csv(statement).decode("utf-8-sig")
    names = [row[2].value for row in sheet.iter_rows() if row[0].value == "Claim"]
    assert names == ['\'=HYPERLINK("http://x") @SUM(A1)']
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "'=HYPERLINK" in body
    assert safe_text("-1") == "'-1" and safe_text("Ada") == "Ada"


def test_taking_off_a_line_that_is_not_on_the_statement_is_refused(employer_a, national, registrations):
    approved_claim(employer_a, national, registrations[0])
    statement = statement_build(actor=national, employer_id=employer_a.employer.pk, month=NOV)
    other = claim_of(registrations[1])
    for kwargs in (
        {"claim_id": other.pk},
        {"recovery_id": 10**9},
        {},
        {"claim_id": other.pk, "recovery_id": 1},
    ):
        with pytest.raises(ValidationError):
            statement_remove_line(actor=national, statement_id=statement.pk, **kwargs)
    with system_national_context():
        statement.refresh_from_db()
    assert statement.total == Decimal("333.33")
