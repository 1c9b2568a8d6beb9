"""Retention: registrations that ended more than four years ago are anonymised, every report gives the
same figures afterwards, runs are idempotent, audited once, and all-or-nothing per registration."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DatabaseError

from asye.audit.models import AuditEvent
from equality.models import EqualityMonitoring
from portfolios.models import Evidence, EvidenceFile
from portfolios.uploads import evidence_storage
from programmes.models import Registration, RegistrationStatus
from reporting import retention
from reporting.registrations import registrations_report
from tests.reporting import seed_2019_22 as seed
from tests.today import TODAY

pytestmark = pytest.mark.django_db
COHORTS = ["2019-20", "2020-21", "2021-22"]


def equity_json() -> dict:
    out = StringIO()
    call_command("equity_report", "--cohorts", *COHORTS, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def run(*args) -> dict:
    out = StringIO()
    call_command("anonymise_expired", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def expected_expired(unscoped) -> set[int]:
    """Worked out here, not by the retention query: ended (not active) and the programme's end before the
    cut-off. Legacy rows have no end dates, so the end is the start plus the programme's 12 months."""
    cutoff = retention.retention_cutoff(TODAY)
    with unscoped():
        return {
            r.pk
            for r in Registration.objects.select_related("framework_version")
            if r.status != RegistrationStatus.ACTIVE
            and (
                r.ended_at or r.outcome_date or _plus_months(r.start_date, r.framework_version.length_months)
            )
            < cutoff
        }


def _plus_months(day: datetime.date, months: int) -> datetime.date:
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)


def test_anonymising_leaves_every_report_unchanged(unscoped):
    seed.load()
    before_equity = equity_json()
    with unscoped():
        before_registrations = [registrations_report(year=year) for year in COHORTS]
    preview = run("--dry-run")
    expired = expected_expired(unscoped)
    assert expired and preview["total"] == len(expired)
    with unscoped():
        assert not Registration.objects.filter(first_name="").exists()  # the dry run changed nothing

    result = run()
    assert result["registrations"] == len(expired) and result["failed"] == 0

    assert equity_json() | {"cohorts": COHORTS} == before_equity | {"cohorts": COHORTS}
    with unscoped():
        assert [registrations_report(year=year) for year in COHORTS] == before_registrations
        gone = Registration.objects.filter(pk__in=expired)
        assert set(gone.values_list("first_name", "last_name", "email")) == {("", "", "")}
        assert not gone.filter(legacy_ref__isnull=False).exists()
        assert all(
            swe.startswith("SW9") and len(swe) == 12 for swe in gone.values_list("swe_number", flat=True)
        )
        kept = Registration.objects.exclude(pk__in=expired)
        assert not kept.filter(first_name="").exists()  # in progress, or ended less than four years ago
        answers = EqualityMonitoring.objects.filter(registration_id__in=expired)
        assert set(answers.values_list("nationality", "disability", "ethnicity_detail")) == {
            ("prefer_not_to_say", "prefer_not_to_say", "")
        }
        assert not answers.filter(person__isnull=False).exists()

    again = run()
    assert again["registrations"] == 0  # idempotent
    assert equity_json() | {"cohorts": COHORTS} == before_equity | {"cohorts": COHORTS}
    with unscoped():
        runs = AuditEvent.objects.filter(action="retention.anonymised")
        assert runs.count() == 2  # one event a run, nothing per registration or field
        assert sorted(runs.values_list("changes__registrations", flat=True)) == [0, len(expired)]


def test_files_and_free_text_go_with_the_registration(
    employer_b, unscoped, django_capture_on_commit_callbacks
):
    from tests.portfolios.isolation_routes import _a_evidence_file

    evidence_file = _a_evidence_file(employer_b, unscoped)
    storage = evidence_storage()
    stored = storage.save(evidence_file.storage_name, ContentFile(b"notes"))
    with unscoped():
        EvidenceFile.objects.filter(pk=evidence_file.pk).update(storage_name=stored)
        registration = Evidence.objects.get(pk=evidence_file.evidence_id).portfolio.registration
        Registration.objects.filter(pk=registration.pk).update(
            status=RegistrationStatus.COMPLETED,
            outcome="passed",
            ended_at=TODAY - datetime.timedelta(days=5 * 366),
            end_reason="Moved to a post near her family in Leeds.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        result = run()
    assert result["registrations"] == 1 and result["files_deleted"] == 1
    assert not storage.exists(stored)
    with unscoped():
        evidence = Evidence.objects.get(pk=evidence_file.evidence_id)
        assert (evidence.title, evidence.description, evidence.reflection) == ("", "", "")
        assert not EvidenceFile.objects.filter(pk=evidence_file.pk).exists()
        registration.refresh_from_db()
        assert (registration.end_reason, registration.nqsw_id, registration.outcome) == ("", None, "passed")


def test_a_registration_that_cannot_be_anonymised_is_left_whole(unscoped, monkeypatch):
    seed.load()
    expired = sorted(expected_expired(unscoped))
    stubborn = expired[3]
    from reviews import retention as reviews_retention

    real = reviews_retention.anonymise_reviews

    def failing(ids):
        if stubborn in ids:
            raise DatabaseError("simulated failure")
        return real(ids)

    monkeypatch.setattr(reviews_retention, "anonymise_reviews", failing)
    with unscoped():
        answers_before = EqualityMonitoring.objects.filter(registration_id=stubborn).values().get()
    result = run()
    assert result["failed"] == 1 and result["registrations"] == len(expired) - 1
    with unscoped():
        left = Registration.objects.get(pk=stubborn)
        assert left.first_name and left.swe_number.startswith("SW7")  # programmes' part rolled back too
        assert EqualityMonitoring.objects.filter(registration_id=stubborn).values().get() == answers_before
    monkeypatch.setattr(reviews_retention, "anonymise_reviews", real)
    assert run()["registrations"] == 1  # the next run finishes it


def test_the_page_shows_the_next_run_and_past_runs(
    login, national_staff, alice, employer_a, unscoped, client
):
    seed.load()
    url = "/national/reports/retention/"
    page = login(national_staff).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "The next run will anonymise" in html and "Northshire County Council" in html and "No run yet" in html
    )
    run()
    html = client.get(url).content.decode()
    assert "Nothing to anonymise" in html and "manage.py anonymise_expired" in html
    client.logout()
    assert login(alice, employer_a.employer).get(url).status_code == 403


def test_the_nightly_task_is_scheduled_and_runs(unscoped):
    from django_celery_beat.models import PeriodicTask

    from asye.celery import app

    entry = PeriodicTask.objects.get(name="Anonymise records past retention")  # migration 0002
    assert (entry.crontab.hour, entry.crontab.minute, entry.enabled) == ("3", "10", True)
    app.loader.import_default_modules()
    assert entry.task in app.tasks
    result = app.tasks[entry.task].apply().get()
    assert result["registrations"] == 0 and result["failed"] == 0
    with unscoped():
        assert AuditEvent.objects.filter(action="retention.anonymised", changes__run_by="system").count() == 1
