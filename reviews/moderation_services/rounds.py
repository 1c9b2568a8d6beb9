"""National moderation rounds: the stratified random draw from a stored seed, previewed and then made with
its cases in one transaction, and closing a round once every case's findings are sent."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from asye import clock
from asye.accounts.actor import Actor
from asye.audit.services import audit_record, audit_record_many
from asye.errors import Conflict
from asye.tenancy.db import system_national_context
from portfolios.models import Portfolio
from reviews.models import ModerationCase, ModerationRound
from reviews.moderation_sampling import STRATA, Draw, sample_preview_national
from reviews.moderation_services.national import MAX_TITLE, require_national_staff
from reviews.services.saving import clean_text

MAX_SEED = 2**63 - 1


MAX_PER_STRATUM = 500


def new_seed() -> int:
    """A fresh random seed for a draw (kept on the round, so the draw can be repeated)."""
    return secrets.randbelow(MAX_SEED) + 1


def _checked_round_request(
    actor: Actor,
    *,
    name: str,
    by: tuple[str, ...],
    per_stratum: int | None,
    percent: int | None,
    seed: int | None,
) -> str:
    """The round's name, trimmed, once national staff (nobody else) ask for a draw that can be made;
    ValidationError naming each problem."""
    require_national_staff(actor)
    errors: dict[str, list[str]] = {}
    name = clean_text(
        errors, "name", name, limit=MAX_TITLE, label="The name", required="Enter a name for the round"
    )
    if set(by) - set(STRATA):
        errors["strata"] = ["Select strata from the list"]
    if (per_stratum is None) == (percent is None):
        errors["mode"] = ["Choose either a number from each group or a percentage of each group"]
    elif per_stratum is not None and not (1 <= per_stratum <= MAX_PER_STRATUM):
        errors["per_stratum"] = [f"The number from each group must be between 1 and {MAX_PER_STRATUM}"]
    elif percent is not None and not (1 <= percent <= 100):
        errors["percent"] = ["The percentage must be between 1 and 100"]
    if seed is not None and not (1 <= seed <= MAX_SEED):
        errors["seed"] = ["The seed must be a whole number from 1 to 9223372036854775807"]
    if errors:
        raise ValidationError(errors)
    return name


def round_preview(
    *,
    actor: Actor,
    name: str,
    funding_year: str,
    by: tuple[str, ...],
    per_stratum: int | None = None,
    percent: int | None = None,
    seed: int | None = None,
) -> Draw:
    """The draw a round would make (nothing is written). With no seed, a new one."""
    _checked_round_request(actor, name=name, by=by, per_stratum=per_stratum, percent=percent, seed=seed)
    with system_national_context():
        return sample_preview_national(
            actor=actor,
            funding_year=funding_year,
            by=by,
            per_stratum=per_stratum,
            percent=percent,
            seed=seed or new_seed(),
        )


@transaction.atomic
def round_create(
    *,
    actor: Actor,
    name: str,
    funding_year: str,
    by: tuple[str, ...],
    per_stratum: int | None = None,
    percent: int | None = None,
    seed: int,
    expected: str,
) -> ModerationRound:
    """Create the round, its sampled cases and attach the waiting voluntary submissions, all or nothing.

    ``expected`` is the fingerprint of the preview the person confirmed: if the pool has changed since
    (a portfolio submitted, sampled elsewhere or withdrawn), the draw differs and nothing is made, so
    people never create a sample they did not see."""
    name = _checked_round_request(
        actor, name=name, by=by, per_stratum=per_stratum, percent=percent, seed=seed
    )
    with system_national_context():
        draw = sample_preview_national(
            actor=actor, funding_year=funding_year, by=by, per_stratum=per_stratum, percent=percent, seed=seed
        )
        if draw.fingerprint() != expected:
            raise Conflict(
                "The portfolios available to sample changed since you previewed the sample. "
                "Check the new preview and confirm again."
            )
        if not draw.drawn and not draw.voluntary_case_ids:
            raise ValidationError(
                {"funding_year": ["There are no portfolios to moderate for this funding year"]}
            )
        moderation_round = ModerationRound.objects.create(
            name=name, funding_year=funding_year, strata=draw.as_json(), seed=seed, created_by=actor.user
        )
        employers = dict(Portfolio.objects.filter(pk__in=draw.drawn).values_list("pk", "employer_id"))
        stratum_of = {pk: stratum.label for stratum in draw.strata for pk in stratum.drawn}
        try:
            with transaction.atomic():
                cases = ModerationCase.objects.bulk_create(
                    ModerationCase(
                        employer_id=employers[pk],
                        portfolio_id=pk,
                        round=moderation_round,
                        source=ModerationCase.Source.SAMPLED,
                        stratum=stratum_of[pk][:200],
                        status=ModerationCase.Status.WAITING,
                    )
                    for pk in draw.drawn
                )
        except IntegrityError as error:
            raise Conflict(
                "Some of these portfolios were put into national moderation a moment ago. "
                "Check the new preview and confirm again."
            ) from error
        joined = ModerationCase.objects.filter(
            pk__in=draw.voluntary_case_ids,
            source=ModerationCase.Source.VOLUNTARY,
            round__isnull=True,
            status=ModerationCase.Status.WAITING,
        ).update(round=moderation_round, updated_at=clock.now(), version=F("version") + 1)
        if joined != len(draw.voluntary_case_ids):
            raise Conflict(
                "A voluntary submission changed since you previewed the sample. "
                "Check the new preview and confirm again."
            )
        audit_record(
            actor=actor,
            obj=moderation_round,
            action="moderation.round_created",
            changes={
                "funding_year": funding_year,
                "strata": list(draw.by),
                "per_stratum": per_stratum,
                "percent": percent,
                "seed": seed,
                "pool": draw.pool_size,
                "sampled": len(cases),
                "voluntary": len(draw.voluntary_case_ids),
            },
        )
        audit_record_many(
            actor=actor,
            action="moderation.case_sampled",
            objs=cases,
            changes=lambda case: {"portfolio": case.portfolio_id, "round": moderation_round.pk},
        )
    return moderation_round


@transaction.atomic
def round_close(*, actor: Actor, moderation_round: ModerationRound) -> ModerationRound:
    """Close a round once every case in it has its findings sent."""
    require_national_staff(actor)
    with system_national_context():
        locked = ModerationRound.objects.select_for_update().get(pk=moderation_round.pk)
        if locked.status == ModerationRound.Status.CLOSED:
            return locked
        open_cases = locked.cases.exclude(status=ModerationCase.Status.FINDINGS_SENT).count()
        if open_cases:
            raise ValidationError(
                f"{open_cases} case{'s' if open_cases != 1 else ''} in this round "
                f"{'have' if open_cases != 1 else 'has'} no findings sent yet: the round cannot be closed."
            )
        locked.status = ModerationRound.Status.CLOSED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor, obj=locked, action="moderation.round_closed", changes={"status": ["open", "closed"]}
        )
    return locked
