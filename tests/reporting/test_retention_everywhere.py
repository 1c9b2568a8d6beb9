"""Retention keeps the privacy promise everywhere: after a run, no text column of any table holds the
anonymised people's names, emails or Social Work England numbers (searched through the information schema
by a reader that row-level security does not hide rows from), their files are gone from storage, funding
figures are unchanged, and job result files expire after thirty days."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from asye import clock
from asye.audit.models import AuditEvent
from asye.audit.services import audit_record
from asye.jobs.models import Job
from asye.notifications.models import Notification, OutboxEmail
from asye.tenancy.db import system_national_context, tenant_context
from funding.models import PaymentStatementLine
from portfolios.models import EvidenceFile
from portfolios.uploads import evidence_storage
from programmes.models import Registration, RegistrationStatus
from reporting.quality import funding_by_year
from reporting.retention import anonymise_expired, retention_preview
from tests.funding.conftest import national  # noqa: F401 - a fixture
from tests.funding.helpers import approve, load_funding_reference_data, paid_statement, register
from tests.portfolios.conftest import add_evidence, linked_registration, portfolio_of
from tests.programmes.conftest import actor_for
from tests.today import TODAY

# Five years on, both registrations ended more than four years before.
LATER = TODAY.replace(year=TODAY.year + 5, day=min(TODAY.day, 28))
FUNDED = {"first": "Zephyrine", "last": "Quillfeather", "email": "zephyrine.quillfeather@example.org"}
PORTFOLIO = {"first": "Oberon", "last": "Thistlewaite", "email": "oberon.thistlewaite@example.org"}
KEPT = {"first": "Constance", "last": "Livingwell", "email": "constance.livingwell@example.org"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _reader():
    """The backup role: SELECT on every table and BYPASSRLS, so it sees every row of every employer and
    person (the owner role is subject to the forced row-level security and sees none)."""
    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        dbname=db["NAME"],
        user="asye_backup",
        autocommit=True,
    )


def found_anywhere(terms: list[str]) -> dict[str, list[str]]:
    """Every text column (text, varchar, json, jsonb) of every table in the public schema, searched for
    each term, case-insensitively. Returns {term: ["table.column", ...]} for the terms found."""
    hits: dict[str, list[str]] = {}
    with _reader() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema "
            "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
            "AND c.data_type IN ('text', 'character varying', 'json', 'jsonb')"
        )
        columns = cursor.fetchall()
        assert len(columns) > 100  # the whole schema, not a corner of it
        patterns = [f"%{term}%" for term in terms]
        for table, column in columns:
            cursor.execute(
                f'SELECT "{column}"::text FROM "{table}" WHERE "{column}"::text ILIKE ANY(%s)',  # noqa: S608
                [patterns],
            )
            for (value,) in cursor.fetchall():
                for term in terms:
                    if term.lower() in value.lower():
                        hits.setdefault(term, []).append(f"{table}.{column}")
    return hits


def _terms(person: dict, swe: str) -> list[str]:
    return [person["first"], person["last"], f"{person['first']} {person['last']}", person["email"], swe]


@pytest.mark.django_db(transaction=True)
def test_after_retention_no_table_names_them_and_their_files_are_gone(
    employer_a,
    employer_b,
    national,  # noqa: F811
):
    # A transactional test may follow another that emptied the database: put the funding years back.
    load_funding_reference_data()
    # A funded NQSW at A, paid on an authorised statement, with an account of their own.
    nqsw_a = employer_a.nqsw
    with system_national_context():
        type(nqsw_a).objects.filter(pk=nqsw_a.pk).update(
            email=FUNDED["email"], full_name=f"{FUNDED['first']} {FUNDED['last']}"
        )
    nqsw_a.refresh_from_db()
    funded = register(
        employer_a,
        first_name=FUNDED["first"],
        last_name=FUNDED["last"],
        email=FUNDED["email"],
        swe_number="SW771234",
    )
    approve(national, funded)
    statement = paid_statement(employer_a, national, [funded])
    kept = register(
        employer_a,
        first_name=KEPT["first"],
        last_name=KEPT["last"],
        email=KEPT["email"],
        swe_number="SW771236",
    )
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=funded.pk).update(nqsw=nqsw_a)
        audit_record(
            actor=actor_for(nqsw_a, employer_a.employer),
            action="registration.viewed",
            obj=Registration.objects.get(pk=funded.pk),
        )
        Notification.objects.create(
            employer=employer_a.employer,
            person=employer_a.coordinator,
            kind="review.overdue",
            message=f"{FUNDED['first']} {FUNDED['last']}'s 6-month review is overdue",
            created_at=clock.now(),
        )
        Notification.objects.create(
            employer=employer_a.employer,
            person=nqsw_a,
            kind="review.due",
            message="Your review is due",
            created_at=clock.now(),
        )
        OutboxEmail.objects.create(
            employer=employer_a.employer,
            to_person=nqsw_a,
            to_address=FUNDED["email"],
            kind="reminder",
            about_type="programmes.registration",
            about_id=str(funded.pk),
            subject=f"Dear {FUNDED['first']}, your review is due",
            body_text=f"Hello {FUNDED['first']} {FUNDED['last']} (SW771234)",
            status=OutboxEmail.Status.SENT,
            next_attempt_at=clock.now(),
            created_at=clock.now(),
        )

    # An NQSW at B with a portfolio: an uploaded file, a kept pack and the pack's job.
    nqsw_b = employer_b.nqsw
    with system_national_context():
        type(nqsw_b).objects.filter(pk=nqsw_b.pk).update(
            email=PORTFOLIO["email"], full_name=f"{PORTFOLIO['first']} {PORTFOLIO['last']}"
        )
    nqsw_b.refresh_from_db()
    with_portfolio = linked_registration(
        employer_b,
        first_name=PORTFOLIO["first"],
        last_name=PORTFOLIO["last"],
        email=PORTFOLIO["email"],
        swe_number="SW771235",
    )
    portfolio = portfolio_of(employer_b, with_portfolio)
    evidence = add_evidence(employer_b, portfolio, title=f"Visit with {PORTFOLIO['first']}")
    uploaded = evidence_storage().save(
        f"employers/{employer_b.employer.pk}/evidence/notes.txt", ContentFile(b"notes")
    )
    pack = default_storage.save(
        f"employers/{employer_b.employer.pk}/packs/{with_portfolio.pk}/v1.pdf", ContentFile(b"%PDF-1.7")
    )
    with tenant_context(employer_b.employer.pk):
        EvidenceFile.objects.create(
            employer_id=employer_b.employer.pk,
            evidence=evidence,
            storage_name=uploaded,
            original_name=f"{PORTFOLIO['last']}-notes.txt",
            content_type="text/plain",
            size=5,
            sha256="0" * 64,
            uploaded_by=nqsw_b,
        )
        Job.objects.create(
            employer=employer_b.employer,
            kind="portfolios.pack",
            label=f"Portfolio pack for {PORTFOLIO['first']} {PORTFOLIO['last']}",
            params={"registration_id": with_portfolio.pk, "portfolio_id": portfolio.pk},
            created_by=nqsw_b,
            status=Job.Status.DONE,
            result=pack,
            result_filename=f"asye-portfolio-{PORTFOLIO['first'].lower()}-{with_portfolio.pk}.pdf",
            finished_at=clock.now(),
        )

    with system_national_context():
        Registration.objects.filter(pk__in=[funded.pk, with_portfolio.pk]).update(
            status=RegistrationStatus.COMPLETED, outcome="passed", outcome_date=TODAY, ended_at=TODAY
        )
        lines_before = list(
            PaymentStatementLine.objects.filter(statement=statement).values_list(
                "amount", "instalment", "funding_year", "employer_id", "kind"
            )
        )
        preview = retention_preview(today=LATER)
        funding_before = funding_by_year()
    assert preview["total"] == 2
    by_table = {row["table"]: row["rows"] for row in preview["by_table"]}
    assert by_table["accounts_user"] == 2 and by_table["funding_paymentstatementline"] == 1
    assert by_table["portfolios_evidencefile"] == 1 and by_table["jobs_job"] == 1
    assert by_table["audit_auditevent"] >= 2 and by_table["notifications_outboxemail"] == 1

    gone = _terms(FUNDED, "SW771234") + _terms(PORTFOLIO, "SW771235")
    assert set(found_anywhere(gone)) == set(gone)  # the search sees them before the run

    with transaction.atomic(), system_national_context():
        result = anonymise_expired(today=LATER)
    assert result["registrations"] == 2 and result["failed"] == 0 and result["files_deleted"] >= 2

    assert found_anywhere(gone) == {}
    kept_terms = _terms(KEPT, "SW771236")
    assert set(found_anywhere(kept_terms)) == set(kept_terms)  # the live registration is untouched
    assert not evidence_storage().exists(uploaded) and not default_storage.exists(pack)
    with system_national_context():
        lines_after = list(
            PaymentStatementLine.objects.filter(statement=statement).values_list(
                "amount", "instalment", "funding_year", "employer_id", "kind"
            )
        )
        assert lines_after == lines_before  # the money is as it was
        assert funding_by_year() == funding_before  # and the national funding figures
        assert AuditEvent.objects.filter(action="registration.viewed").count() == 1  # events stay
        assert Registration.objects.get(pk=kept.pk).first_name == KEPT["first"]
        accounts = type(nqsw_a).objects.filter(pk__in=[nqsw_a.pk, nqsw_b.pk])
        assert not accounts.filter(is_active=True).exists()
        assert not any(user.has_usable_password() for user in accounts)


def _finished_job(employer, user, *, days_ago: int) -> Job:
    name = default_storage.save(f"employers/{employer.pk}/jobs/{days_ago}/export.csv", ContentFile(b"a,b"))
    with tenant_context(employer.pk):
        return Job.objects.create(
            employer=employer,
            kind="programmes.registrations_csv",
            label="Registrations",
            created_by=user,
            status=Job.Status.DONE,
            result=name,
            result_filename="registrations.csv",
            finished_at=clock.now() - datetime.timedelta(days=days_ago),
        )


@pytest.mark.django_db
def test_job_result_files_expire_after_thirty_days(employer_a, django_capture_on_commit_callbacks):
    old = _finished_job(employer_a.employer, employer_a.coordinator, days_ago=31)
    recent = _finished_job(employer_a.employer, employer_a.coordinator, days_ago=5)
    old_file, recent_file = old.result.name, recent.result.name
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic(), system_national_context():
            result = anonymise_expired(today=clock.today())
    assert result["job_results_expired"] == 1
    assert not default_storage.exists(old_file) and default_storage.exists(recent_file)
    with system_national_context():
        old.refresh_from_db()
        recent.refresh_from_db()
    assert (old.result.name, old.result_filename, old.status) == ("", "", Job.Status.DONE)
    assert recent.result.name == recent_file
    assert anonymise_expired_again_is_quiet()


def anonymise_expired_again_is_quiet() -> bool:
    with transaction.atomic(), system_national_context():
        return anonymise_expired(today=clock.today())["job_results_expired"] == 0


# Models with a link to a registration or a person and text of their own that retention leaves alone, and
# why. Anything else of that shape must be in an app with a retention part.
NOT_PERSONAL = {
    "api.apitoken": "the token's name, chosen by a co-ordinator for a system, and its hash",
    "api.nationalapitoken": "the token's name, chosen by national staff for a system, and its hash",
    "admin.logentry": "scrubbed by asye.audit.retention (the admin's log)",
    "account.emailaddress": "deleted by asye.accounts.retention",
    "mfa.authenticator": "deleted by asye.accounts.retention",
    "reporting.publishedreport": "published national tables (suppressed aggregates) and who published them",
}


def test_every_app_with_personal_text_has_a_retention_part():
    """A new app cannot forget: a model linked to a registration or a person that holds text of its own
    belongs to an app whose ``retention.py`` is in ``ASYE_CONTRIBUTIONS["retention"]``."""
    from django.apps import apps
    from django.db import models

    from asye.accounts.models import User
    from asye.retention import retention_parts

    registered = {name.rsplit(".", 1)[0] for name in settings.ASYE_CONTRIBUTIONS["retention"]}
    assert {part.name for part in retention_parts()} >= {"programmes", "audit", "accounts", "jobs"}
    text_fields = (models.CharField, models.TextField, models.JSONField, models.FileField)
    missing = []
    for model in apps.get_models():
        related = {field.related_model for field in model._meta.concrete_fields if field.is_relation}
        linked = User in related or Registration in related
        texts = [f for f in model._meta.concrete_fields if isinstance(f, text_fields) and not f.choices]
        label = model._meta.label_lower
        if linked and texts and model._meta.app_config.name not in registered and label not in NOT_PERSONAL:
            missing.append(label)
    assert missing == []
