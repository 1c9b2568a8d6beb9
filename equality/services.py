"""Writing an NQSW's equality monitoring answers.

Only the NQSW writes their own answers. The date of birth is used once, to work out the age band at the
start of their programme, and is never stored. The audit event says that answers were saved and by
whom, never what they were.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.tenancy.db import system_national_context
from equality.models import AgeBand, Disability, EqualityMonitoring, EthnicGroup, Gender, Nationality
from equality.selectors import is_own_registration
from programmes.eligibility import add_years
from programmes.models import Registration

PREFER_NOT_TO_SAY = "prefer_not_to_say"

# The GOV.UK list of ethnic groups (England), the detailed categories under each high-level group.
# Stored as these codes in EqualityMonitoring.ethnicity_detail; "prefer_not_to_say" is allowed in each.
ETHNICITY_DETAILS: dict[str, tuple[tuple[str, str], ...]] = {
    EthnicGroup.ASIAN: (
        ("indian", "Indian"),
        ("pakistani", "Pakistani"),
        ("bangladeshi", "Bangladeshi"),
        ("chinese", "Chinese"),
        ("other_asian", "Any other Asian background"),
    ),
    EthnicGroup.BLACK: (
        ("caribbean", "Caribbean"),
        ("african", "African"),
        ("other_black", "Any other Black, Black British or Caribbean background"),
    ),
    EthnicGroup.MIXED: (
        ("white_and_black_caribbean", "White and Black Caribbean"),
        ("white_and_black_african", "White and Black African"),
        ("white_and_asian", "White and Asian"),
        ("other_mixed", "Any other Mixed or multiple ethnic background"),
    ),
    EthnicGroup.WHITE: (
        ("english_welsh_scottish_ni_british", "English, Welsh, Scottish, Northern Irish or British"),
        ("irish", "Irish"),
        ("gypsy_or_irish_traveller", "Gypsy or Irish Traveller"),
        ("roma", "Roma"),
        ("other_white", "Any other White background"),
    ),
    EthnicGroup.OTHER: (
        ("arab", "Arab"),
        ("other_ethnic_group", "Any other ethnic group"),
    ),
}

# Someone younger than this at the start of a social work programme has mistyped their date of birth.
YOUNGEST_AGE_AT_START = 16
EARLIEST_BIRTH_YEAR = 1900


def ethnicity_detail_label(code: str) -> str:
    """The words for a stored detailed category (an unknown value, e.g. imported, is shown as it is)."""
    if code == PREFER_NOT_TO_SAY:
        return "Prefer not to say"
    for details in ETHNICITY_DETAILS.values():
        for value, label in details:
            if value == code:
                return label
    return code


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def age_band_at(date_of_birth: datetime.date, day: datetime.date) -> str:
    """The AgeBand of someone born on ``date_of_birth``, on ``day`` (the programme's start date)."""
    age = age_on(date_of_birth, day)
    if age < 25:
        return AgeBand.UNDER_25
    if age < 35:
        return AgeBand.FROM_25_TO_34
    if age < 45:
        return AgeBand.FROM_35_TO_44
    if age < 55:
        return AgeBand.FROM_45_TO_54
    return AgeBand.FROM_55


def latest_date_of_birth(start_date: datetime.date) -> datetime.date:
    """The latest plausible date of birth for a programme starting on ``start_date``."""
    return add_years(start_date, -YOUNGEST_AGE_AT_START)


def _check_answers(
    *,
    registration: Registration,
    gender: str,
    age_band: str | None,
    date_of_birth: datetime.date | None,
    ethnic_group: str,
    ethnicity_detail: str,
    nationality: str,
    disability: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value, choices in (
        ("gender", gender, Gender),
        ("ethnic_group", ethnic_group, EthnicGroup),
        ("nationality", nationality, Nationality),
        ("disability", disability, Disability),
    ):
        if value not in choices.values:
            errors[name] = ["Select an answer, or select prefer not to say"]
    if (date_of_birth is None) == (age_band is None):
        errors["age_band"] = ["Enter your date of birth, or select prefer not to say"]
    elif date_of_birth is not None:
        if date_of_birth.year < EARLIEST_BIRTH_YEAR or date_of_birth > latest_date_of_birth(
            registration.start_date
        ):
            errors["date_of_birth"] = ["Check your date of birth"]
    elif age_band not in AgeBand.values:
        errors["age_band"] = ["Select an answer, or select prefer not to say"]
    if ethnicity_detail:
        allowed = {value for value, _ in ETHNICITY_DETAILS.get(ethnic_group, ())}
        if ethnic_group == PREFER_NOT_TO_SAY or ethnicity_detail not in allowed | {PREFER_NOT_TO_SAY}:
            errors["ethnicity_detail"] = ["Select a background from your ethnic group"]
    return errors


def _claim_unlinked_answers(*, actor: Actor, registration: Registration) -> None:
    """Link answers about this registration that name nobody (imported from the legacy portal) to the
    NQSW, so that they can see and change them. Answers naming someone else are taken over only if the
    registration names the NQSW; otherwise the save is refused.

    Such a row is invisible to the NQSW (row-level security shows them only rows naming them), so it is
    looked up in the system's national context: no person reads it, and only its ``person`` changes.
    """
    with system_national_context():
        other = (
            EqualityMonitoring.objects.filter(registration=registration)
            .exclude(person=actor.user)
            .values_list("pk", "person_id")
            .first()
        )
        if other is None:
            return
        pk, person_id = other
        if person_id is not None and registration.nqsw_id != actor.user.pk:
            raise ValidationError(
                "Your answers could not be saved. Contact your ASYE co-ordinator, who can ask the "
                "national team to correct your registration."
            )
        EqualityMonitoring.objects.filter(pk=pk).update(person=actor.user)


@transaction.atomic
def equality_monitoring_save(
    *,
    actor: Actor,
    registration: Registration,
    gender: str,
    ethnic_group: str,
    nationality: str,
    disability: str,
    ethnicity_detail: str = "",
    date_of_birth: datetime.date | None = None,
    age_band: str | None = None,
) -> EqualityMonitoring:
    """Save the NQSW's own answers for their open registration, creating or replacing them.

    Give either ``date_of_birth`` (only the age band on the programme's start date is kept) or
    ``age_band`` (``prefer_not_to_say``, or the band they already gave). Raises ValidationError by field.
    """
    actor.require(Role.NQSW, employer=registration.employer_id)
    if not is_own_registration(actor=actor, registration=registration) or not registration.is_open:
        raise ValidationError("You can only answer for your own ASYE programme while it is in progress.")
    ethnicity_detail = ethnicity_detail or ""
    errors = _check_answers(
        registration=registration,
        gender=gender,
        age_band=age_band,
        date_of_birth=date_of_birth,
        ethnic_group=ethnic_group,
        ethnicity_detail=ethnicity_detail,
        nationality=nationality,
        disability=disability,
    )
    if errors:
        raise ValidationError(errors)
    if date_of_birth is not None:
        age_band = age_band_at(date_of_birth, registration.start_date)  # the date itself is not kept
    _claim_unlinked_answers(actor=actor, registration=registration)
    answers = {
        "gender": gender,
        "age_band": age_band,
        "ethnic_group": ethnic_group,
        "ethnicity_detail": "" if ethnic_group == PREFER_NOT_TO_SAY else ethnicity_detail,
        "nationality": nationality,
        "disability": disability,
        "source": EqualityMonitoring.Source.SELF,
    }
    monitoring = EqualityMonitoring.objects.filter(registration=registration, person=actor.user).first()
    if monitoring is None:
        monitoring = EqualityMonitoring.objects.create(
            employer_id=registration.employer_id, registration=registration, person=actor.user, **answers
        )
    else:
        for name, value in answers.items():
            setattr(monitoring, name, value)
        monitoring.save()
    # Recorded without the answers, and with no employer: an event in the employer's audit trail would
    # tell a co-ordinator when a named NQSW answered, and comparing the totals before and after would
    # then reveal their answers. Events with no employer are seen by the person who acted and by
    # national staff only.
    audit_record(actor=dataclasses.replace(actor, employer=None), action="equality.saved", employer_id=None)
    return monitoring
