"""The same person registered twice: nationally (another employer, or an earlier funded ASYE) and at the
employer itself.

Nationally, a duplicate is recorded as a ``NationalReview`` for national staff only. The registering
employer's registration looks exactly like any other awaiting approval (issue #12, finding 8): no status,
note, count, audit event or email of theirs depends on whether another employer holds the number.

At the employer, ``registrations_of_same_person`` finds the employer's own registrations that look like the
same person, for the warning on the check-answers page; it never looks beyond the actor's employer.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from asye import clock
from asye.accounts.actor import Actor
from asye.tenancy.db import system_national_context
from programmes.models import FundingStatus, NationalReview, Registration, RegistrationStatus

# Why national staff are asked to look (national staff's pages only; never shown to an employer).
ALREADY_REGISTERED = "Already registered with another employer"
ALREADY_FUNDED_ELSEWHERE = "Already had a funded ASYE with another employer"
ALREADY_FUNDED_HERE = "Already had a funded ASYE with this employer"
SUPERSEDED_NOTE = "The registration's Social Work England number was corrected."


def national_duplicates(registration: Registration) -> list[Registration]:
    """Other registrations of the same Social Work England number that are open or were funded (the
    programme's own earlier registration, when it was transferred in, aside). Read in the system's
    national context: nothing of it reaches the registering employer."""
    with system_national_context():
        return list(
            Registration.objects.filter(swe_number=registration.swe_number)
            .exclude(pk=registration.pk)
            .exclude(pk=registration.transferred_from_id or 0)
            .filter(
                Q(status__in=[RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED])
                | Q(funding_status=FundingStatus.APPROVED)
            )
        )


def national_duplicates_flag(registration: Registration) -> int:
    """Record an open national review for each duplicate of ``registration`` (a review a correction had
    superseded opens again). Changes nothing the employer sees. Returns how many are open for it."""
    others = national_duplicates(registration)
    with system_national_context():
        for other in others:
            reason = ALREADY_REGISTERED if other.is_open else ALREADY_FUNDED_ELSEWHERE
            if other.employer_id == registration.employer_id:
                reason = ALREADY_FUNDED_HERE
            review, created = NationalReview.objects.get_or_create(
                registration=registration, other_registration=other, defaults={"reason": reason}
            )
            if not created and review.status == NationalReview.Status.SUPERSEDED:
                NationalReview.objects.filter(pk=review.pk).update(
                    status=NationalReview.Status.OPEN,
                    reason=reason,
                    decided_by=None,
                    decided_at=None,
                    decision_note="",
                )
        return NationalReview.objects.filter(
            registration=registration, status=NationalReview.Status.OPEN
        ).count()


def national_reviews_supersede(registration: Registration) -> int:
    """The registration's number was corrected: its open national reviews (either way round) are about
    another number and no longer apply. Kept, marked superseded, for national staff's history."""
    with system_national_context():
        return NationalReview.objects.filter(
            Q(registration=registration) | Q(other_registration=registration),
            status=NationalReview.Status.OPEN,
        ).update(
            status=NationalReview.Status.SUPERSEDED,
            decided_at=clock.now(),
            decision_note=SUPERSEDED_NOTE,
        )


def registrations_of_same_person(
    *,
    actor: Actor,
    first_name: str,
    last_name: str,
    qualification_date: datetime.date | None,
    email: str,
    exclude_pk: int | None = None,
) -> list[Registration]:
    """The actor's employer's registrations, at any status, that look like the same person: the same first
    and last names (whatever the case) with the same qualification date, or the same email address."""
    same = Q(pk__in=[])
    if first_name.strip() and last_name.strip() and qualification_date is not None:
        same |= Q(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            qualification_date=qualification_date,
        )
    if email.strip():
        same |= Q(email__iexact=email.strip())
    return list(
        Registration.objects.visible_to(actor)
        .filter(same)
        .exclude(pk=exclude_pk or 0)
        .order_by("-start_date", "id")[:5]
    )
