"""Issue #11, finding 7: a wrong Social Work England number or date could only be put right by withdrawing
and registering again, which left a withdrawn record behind. ``registration_correct`` puts a name, number,
qualification date or start date right with a reason: the rules run again, the history keeps the old and
new values, and nothing is withdrawn.

Alice is A's co-ordinator; B's co-ordinator and B's registrations are the other tenant.
"""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from programmes import services
from programmes.corrections import registration_correct
from programmes.eligibility import funding_year_of
from programmes.models import (
    FundingStatus,
    NationalReview,
    Registration,
    RegistrationCorrection,
    RegistrationStatus,
)
from programmes.selectors import registration_timeline
from tests.programmes.conftest import QUALIFIED, STARTED, actor_for
from tests.today import TODAY, days_ahead

pytestmark = pytest.mark.django_db


def correct(tenant, registration, *, reason="Typed wrongly at registration", version=None, **changes):
    actor = actor_for(tenant.coordinator, tenant.employer)
    with tenant_context(tenant.employer.pk):
        return registration_correct(
            actor=actor,
            registration=registration,
            version=registration.version if version is None else version,
            reason=reason,
            **changes,
        )


def fresh(registration, unscoped) -> Registration:
    with unscoped():
        return Registration.objects.get(pk=registration.pk)


def corrections(registration, unscoped) -> list[tuple[str, str, str, str]]:
    with unscoped():
        return list(
            RegistrationCorrection.objects.filter(registration=registration)
            .order_by("id")
            .values_list("field", "old_value", "new_value", "reason")
        )


@pytest.fixture
def registration(register, employer_a):
    return register(employer_a)


# --- the finding: a wrong number is put right in place ----------------------------------------------


def test_a_wrong_swe_number_is_corrected_without_withdrawing(registration, employer_a, unscoped):
    corrected = correct(employer_a, registration, swe_number="sw 654 321", reason="Two digits swapped")
    assert corrected.swe_number == "SW654321"
    assert corrected.status == RegistrationStatus.ACTIVE
    assert corrected.version == registration.version + 1
    with unscoped():
        assert Registration.objects.count() == 1  # no withdrawn record left behind
        assert not Registration.objects.filter(status=RegistrationStatus.WITHDRAWN).exists()
    assert corrections(registration, unscoped) == [
        ("swe_number", "SW123456", "SW654321", "Two digits swapped")
    ]
    with unscoped():
        row = RegistrationCorrection.objects.get()
        event = AuditEvent.objects.get(action="registration.corrected")
    assert row.corrected_by == employer_a.coordinator and row.employer_id == employer_a.employer.pk
    assert event.employer_id == employer_a.employer.pk and event.object_id == str(registration.pk)
    assert event.changes["swe_number"] == ["SW123456", "SW654321"]
    assert event.changes["reason"] == "Two digits swapped"


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("first_name", " Adaeze ", "Adaeze"),
        ("last_name", "Okafor-Smith", "Okafor-Smith"),
        ("qualification_date", QUALIFIED - datetime.timedelta(days=3), None),
        ("start_date", STARTED + datetime.timedelta(days=2), None),
    ],
)
def test_each_detail_can_be_corrected_and_its_history_kept(
    field, value, stored, registration, employer_a, unscoped
):
    before = getattr(registration, field)
    corrected = correct(employer_a, registration, **{field: value})
    expected = value if stored is None else stored
    assert getattr(corrected, field) == expected
    text = lambda v: v.isoformat() if isinstance(v, datetime.date) else str(v)  # noqa: E731
    assert corrections(registration, unscoped) == [
        (field, text(before), text(expected), "Typed wrongly at registration")
    ]


def test_several_details_at_once_make_one_row_each(registration, employer_a, unscoped):
    correct(employer_a, registration, first_name="Adaeze", swe_number="SW654321")
    assert [row[0] for row in corrections(registration, unscoped)] == ["first_name", "swe_number"]
    with unscoped():
        assert AuditEvent.objects.filter(action="registration.corrected").count() == 1


def test_the_same_values_again_change_nothing(registration, employer_a, unscoped):
    same = correct(employer_a, registration, first_name="Ada", swe_number="sw123456")
    assert same.version == registration.version
    assert corrections(registration, unscoped) == []


# --- what is refused, and that nothing changes then -------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"swe_number": "123456"}, "swe_number", "correct format"),
        ({"first_name": "  "}, "first_name", "first name"),
        ({"qualification_date": days_ahead(3)}, "qualification_date", "today or in the past"),
        ({"qualification_date": datetime.date(1, 1, 1)}, "qualification_date", "must be"),
        ({"qualification_date": STARTED + datetime.timedelta(days=1)}, "start_date", "on or after"),
        ({"start_date": datetime.date(9999, 12, 31)}, "start_date", ""),
        ({"start_date": QUALIFIED - datetime.timedelta(days=1)}, "start_date", "on or after"),
    ],
)
def test_what_the_rules_refuse_is_refused_and_nothing_changes(
    changes, field, message, registration, employer_a, unscoped
):
    before = fresh(registration, unscoped)
    with pytest.raises(ValidationError) as caught:
        correct(employer_a, registration, **changes)
    assert message in " ".join(caught.value.message_dict[field])
    after = fresh(registration, unscoped)
    assert (after.version, after.swe_number, after.start_date) == (
        before.version,
        before.swe_number,
        before.start_date,
    )
    assert corrections(registration, unscoped) == []


def test_a_reason_is_needed(registration, employer_a, unscoped):
    with pytest.raises(ValidationError) as caught:
        correct(employer_a, registration, swe_number="SW654321", reason="  ")
    assert caught.value.message_dict["reason"] == ["Enter the reason for the correction"]
    assert fresh(registration, unscoped).swe_number == "SW123456"


def test_another_open_registration_here_with_the_number_is_refused(register, registration, employer_a):
    register(employer_a, swe_number="SW777777", first_name="Grace", email="")
    with pytest.raises(ValidationError) as caught:
        correct(employer_a, registration, swe_number="SW777777")
    assert "already registered with you" in caught.value.message_dict["swe_number"][0]


def test_a_stale_version_is_a_conflict_and_nothing_changes(registration, employer_a, unscoped):
    read_at = registration.version
    correct(employer_a, registration, first_name="Adaeze")
    with pytest.raises(Conflict):
        correct(employer_a, registration, swe_number="SW654321", version=read_at)
    after = fresh(registration, unscoped)
    assert (after.first_name, after.swe_number, after.version) == ("Adaeze", "SW123456", read_at + 1)
    assert len(corrections(registration, unscoped)) == 1


def test_only_the_employers_coordinator_may_correct(registration, employer_a, employer_b, unscoped):
    before = fresh(registration, unscoped)
    with pytest.raises(PermissionDenied):
        correct(employer_b, before, swe_number="SW654321")
    assistant = actor_for(employer_a.assessor, employer_a.employer)
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        registration_correct(
            actor=assistant, registration=before, version=before.version, reason="x", first_name="X"
        )
    assert fresh(registration, unscoped).version == before.version
    assert corrections(registration, unscoped) == []


def test_an_ended_registration_keeps_its_number_and_dates_but_its_name_can_be_put_right(
    registration, employer_a, unscoped
):
    with tenant_context(employer_a.employer.pk):
        withdrawn = services.registration_withdraw(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=registration,
            on=STARTED + datetime.timedelta(days=10),
            reason="Left",
        )
    with pytest.raises(ValidationError) as caught:
        correct(employer_a, withdrawn, swe_number="SW654321")
    assert "withdrawn" in " ".join(caught.value.messages).lower()
    renamed = correct(employer_a, withdrawn, last_name="Okafor-Smith")
    assert renamed.last_name == "Okafor-Smith" and renamed.status == RegistrationStatus.WITHDRAWN


# --- the start date moves the timeline; records and deferrals bound it ---------------------------------


def test_a_corrected_start_date_moves_the_timeline(registration, employer_a):
    with tenant_context(employer_a.employer.pk):
        before = registration_timeline(registration=registration, today=TODAY).end
    moved = correct(employer_a, registration, start_date=STARTED + datetime.timedelta(days=7))
    with tenant_context(employer_a.employer.pk):
        after = registration_timeline(registration=moved, today=TODAY).end
    assert after == before + datetime.timedelta(days=7)
    assert moved.funding_year == funding_year_of(moved.start_date)


def test_the_start_cannot_move_past_a_deferral(registration, employer_a, unscoped):
    deferred_on = STARTED + datetime.timedelta(days=20)
    with tenant_context(employer_a.employer.pk):
        services.registration_defer(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=registration,
            started_on=deferred_on,
            reason="Illness",
        )
    registration = fresh(registration, unscoped)
    with pytest.raises(ValidationError) as caught:
        correct(employer_a, registration, start_date=deferred_on + datetime.timedelta(days=1))
    assert "deferral" in caught.value.message_dict["start_date"][0]


# --- eligibility and funding run again ---------------------------------------------------------------


def test_a_qualification_date_too_long_ago_makes_it_unfunded_and_back(registration, employer_a):
    long_ago = STARTED - relativedelta(years=4, months=2)
    unfunded = correct(employer_a, registration, qualification_date=long_ago)
    assert unfunded.funding_status == FundingStatus.UNFUNDED
    assert "more than 4 years" in unfunded.funding_note
    back = correct(employer_a, unfunded, qualification_date=QUALIFIED)
    assert back.funding_status == FundingStatus.AWAITING_APPROVAL and back.funding_note == ""


def test_a_start_date_into_another_funding_year_moves_the_funding_year(register, employer_a):
    # An NQSW starting on 1 April this year (or last year, before April): one day earlier is the
    # previous funding year, which is open for the correction because it is the registration's own.
    april = datetime.date(TODAY.year if TODAY.month >= 4 else TODAY.year - 1, 4, 1)
    registration = register(employer_a, start_date=april, qualification_date=april - relativedelta(months=3))
    moved = correct(employer_a, registration, start_date=april + datetime.timedelta(days=1))
    assert moved.funding_year == registration.funding_year  # same year: allowed
    with pytest.raises(ValidationError) as caught:
        # Two years before: a funding year that is neither the registration's nor open for registration.
        correct(employer_a, moved, start_date=april - relativedelta(years=2))
    assert "funding year" in " ".join(caught.value.message_dict["start_date"])


# --- the national duplicate check runs again -------------------------------------------------------


def test_a_number_corrected_to_one_another_employer_holds_goes_to_national_review_unseen(
    register, employer_a, employer_b, unscoped
):
    theirs = register(employer_b, swe_number="SW640001")
    to_held = register(employer_a, swe_number="SW640002", email="")
    to_free = register(employer_a, swe_number="SW640003", email="", first_name="Grace")
    held = correct(employer_a, to_held, swe_number="SW640001")
    free = correct(employer_a, to_free, swe_number="SW640009")
    # A sees the same either way...
    assert (held.funding_status, held.funding_note, held.version) == (
        free.funding_status,
        free.funding_note,
        free.version,
    )
    # ...and national staff have the case.
    with unscoped():
        review = NationalReview.objects.get(registration=held)
        assert review.other_registration_id == theirs.pk and review.status == NationalReview.Status.OPEN
        assert not NationalReview.objects.filter(registration=free).exists()


def test_a_number_corrected_away_from_a_duplicate_closes_its_review(
    register, employer_a, employer_b, unscoped
):
    register(employer_b, swe_number="SW640011")
    mistaken = register(employer_a, swe_number="SW640011", email="")
    with unscoped():
        assert NationalReview.objects.get(registration=mistaken).status == NationalReview.Status.OPEN
    correct(employer_a, mistaken, swe_number="SW640012", reason="It was someone else's number")
    with unscoped():
        review = NationalReview.objects.get(registration=mistaken)
    assert review.status == NationalReview.Status.SUPERSEDED
    assert review.decided_at is not None


def test_b_learns_nothing_when_a_corrects_to_bs_number(register, employer_a, employer_b, unscoped):
    theirs = register(employer_b, swe_number="SW640021")
    before = fresh(theirs, unscoped)
    mine = register(employer_a, swe_number="SW640022", email="")
    correct(employer_a, mine, swe_number="SW640021")
    after = fresh(theirs, unscoped)
    assert (after.funding_status, after.funding_note, after.version, after.updated_at) == (
        before.funding_status,
        before.funding_note,
        before.version,
        before.updated_at,
    )
    with unscoped():
        b_events = AuditEvent.objects.filter(employer=employer_b.employer, action="registration.corrected")
        assert not b_events.exists()


def test_the_audit_event_of_a_correction_never_names_the_other_employer(
    register, employer_a, employer_b, unscoped
):
    register(employer_b, swe_number="SW640031")
    mine = register(employer_a, swe_number="SW640032", email="")
    correct(employer_a, mine, swe_number="SW640031")
    with unscoped():
        event = AuditEvent.objects.get(action="registration.corrected")
    assert employer_b.employer.name not in str(event.changes)
    assert set(event.changes) <= {"swe_number", "reason"}
