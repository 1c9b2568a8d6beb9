"""Writes for national moderation by the NQAP: employers' voluntary submissions, national staff's rounds
(a stratified random sample drawn from a stored seed) and assignments, moderators' findings, the
exemplars library and the good-practice register.

The transitions of a case:

    (sampled into a round, or submitted voluntarily)  waiting --assign--> assigned --send--> findings_sent
                                                                 ^--reassign--|

- A co-ordinator submits one of the employer's submitted portfolios voluntarily (``waiting``, no round)
  and may withdraw it while it waits outside a round.
- National staff create a round: the draw and the cases are made in one transaction; the waiting
  voluntary submissions of the round's funding year join it. They assign a moderator to a case, or many
  at once (round-robin); reassigning is allowed until the findings are sent. They close a round once
  every case's findings are sent.
- The moderator saves findings (``version``: a stale save is a Conflict) and sends them; sent findings
  are final, and the employer's co-ordinators are told.

A moderator never moderates an employer where they hold or held any membership: refused here (and the
assignment form offers only eligible moderators), and by a trigger in the database (migration 0002).

National staff write only through these services, which run in the system's national context. Events
about a case that the employer should not see yet (who was assigned, a moderator's draft) are written
to the national trail (no employer); the employer's own trail gets the case's creation, the voluntary
submission and withdrawal, and the findings once sent.
"""

from __future__ import annotations

import dataclasses
import secrets
from itertools import cycle

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.services import audit_record, changed_fields
from asye.errors import Conflict
from asye.tenancy.db import system_national_context
from asye.tenancy.models import ServiceArea
from portfolios.models import CapabilityStatement, Portfolio
from reviews.models import Exemplar, GoodPracticeApplication, ModerationCase, ModerationRound
from reviews.moderation_questions import ModerationQuestion, moderation_question
from reviews.moderation_selectors import (
    STRATA,
    Draw,
    employer_ids_of,
    moderator_conflicted,
    moderator_is_eligible,
    moderators,
    sample_preview_national,
)

MAX_TITLE = 200
MAX_TEXT = 20_000
MAX_SEED = 2**63 - 1
MAX_PER_STRATUM = 500
FINDING_FIELDS = ("agreement", "strengths", "areas_for_development", "advice")


def new_seed() -> int:
    """A fresh random seed for a draw (kept on the round, so the draw can be repeated)."""
    return secrets.randbelow(MAX_SEED) + 1


def _require_national_staff(actor: Actor) -> None:
    if not actor.is_national_staff:
        raise PermissionDenied("Only national staff run national moderation.")


def _national_event(*, actor: Actor, action: str, case: ModerationCase, changes: dict) -> None:
    """An event about a case in the national trail only (no employer): what the employer is not told."""
    audit_record(
        actor=dataclasses.replace(actor, employer=None, roles=frozenset()),
        action=action,
        employer_id=None,
        changes={"case": case.pk, "employer": case.employer_id, **changes},
    )


def _text(value: str | None) -> str:
    return (value or "").strip()


def _coordinator_emails(employer_id: int) -> list[str]:
    return sorted(
        Membership.objects.active()
        .filter(employer_id=employer_id, role=Role.COORDINATOR, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def _send(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    if not to:
        return
    send_mail(
        subject=subject,
        message=render_to_string(template, {"service_name": settings.ASYE_SERVICE_NAME, **context}),
        from_email=None,
        recipient_list=to,
    )


# --- The employer's voluntary submissions -----------------------------------------------------------------


@transaction.atomic
def moderation_submit_voluntary(*, actor: Actor, portfolio: Portfolio) -> ModerationCase:
    """A co-ordinator puts one of the employer's submitted portfolios forward for national moderation."""
    actor.require(Role.COORDINATOR, employer=portfolio.employer_id)
    if portfolio.submitted_at is None:
        raise ValidationError(
            {"portfolio": ["Only a portfolio that has been submitted can go to national moderation"]}
        )
    if ModerationCase.objects.filter(employer_id=portfolio.employer_id, portfolio=portfolio).exists():
        raise ValidationError({"portfolio": ["This portfolio is already in national moderation"]})
    try:
        with transaction.atomic():
            case = ModerationCase.objects.create(
                employer_id=portfolio.employer_id,
                portfolio=portfolio,
                source=ModerationCase.Source.VOLUNTARY,
                status=ModerationCase.Status.WAITING,
                submitted_by=actor.user,
            )
    except IntegrityError as error:
        # Sampled into a round (or submitted by a colleague) a moment ago.
        raise ValidationError({"portfolio": ["This portfolio is already in national moderation"]}) from error
    audit_record(
        actor=actor,
        obj=case,
        action="moderation.voluntary_submitted",
        changes={"portfolio": portfolio.pk, "registration": portfolio.registration_id},
    )
    return case


@transaction.atomic
def moderation_withdraw_voluntary(*, actor: Actor, case: ModerationCase) -> None:
    """The co-ordinator withdraws a voluntary submission that is still waiting outside a round."""
    actor.require(Role.COORDINATOR, employer=case.employer_id)
    if case.source != ModerationCase.Source.VOLUNTARY:
        raise ValidationError("A portfolio sampled by national staff cannot be withdrawn.")
    deleted, _ = ModerationCase.objects.filter(
        pk=case.pk, employer_id=case.employer_id, status=ModerationCase.Status.WAITING, round__isnull=True
    ).delete()
    if not deleted:
        raise ValidationError("This portfolio has joined a moderation round: it can no longer be withdrawn.")
    audit_record(
        actor=actor,
        obj=case,
        action="moderation.voluntary_withdrawn",
        changes={"portfolio": case.portfolio_id},
    )


# --- Rounds -------------------------------------------------------------------------------------------------


def _check_round_request(
    *, name: str, by: tuple[str, ...], per_stratum: int | None, percent: int | None, seed: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter a name for the round"]
    elif len(name) > MAX_TITLE:
        errors["name"] = [f"The name must be {MAX_TITLE} characters or fewer"]
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
    return errors


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
    _require_national_staff(actor)
    errors = _check_round_request(
        name=_text(name), by=by, per_stratum=per_stratum, percent=percent, seed=seed
    )
    if errors:
        raise ValidationError(errors)
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
    _require_national_staff(actor)
    name = _text(name)
    errors = _check_round_request(name=name, by=by, per_stratum=per_stratum, percent=percent, seed=seed)
    if errors:
        raise ValidationError(errors)
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
        for case in cases:
            audit_record(
                actor=actor,
                obj=case,
                action="moderation.case_sampled",
                changes={"portfolio": case.portfolio_id, "round": moderation_round.pk},
            )
    return moderation_round


@transaction.atomic
def round_close(*, actor: Actor, moderation_round: ModerationRound) -> ModerationRound:
    """Close a round once every case in it has its findings sent."""
    _require_national_staff(actor)
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


# --- Assigning moderators -----------------------------------------------------------------------------------


def _assign(*, actor: Actor, case: ModerationCase, moderator_id: int, now) -> ModerationCase:
    """Write one assignment on a locked case (the caller checked eligibility). Reassigning clears the
    previous moderator's draft: it is theirs, not the new moderator's (the trail keeps it)."""
    before = {name: getattr(case, name) for name in ("moderator_id", "status", *FINDING_FIELDS)}
    updated = ModerationCase.objects.filter(pk=case.pk, version=case.version).update(
        moderator_id=moderator_id,
        status=ModerationCase.Status.ASSIGNED,
        assigned_at=now,
        agreement="",
        strengths="",
        areas_for_development="",
        advice="",
        updated_at=now,
        version=case.version + 1,
    )
    if not updated:
        raise Conflict("This case was changed by someone else. Reload it and try again.")
    case.refresh_from_db()
    after = {name: getattr(case, name) for name in before}
    _national_event(
        actor=actor,
        action="moderation.case_reassigned" if before["moderator_id"] else "moderation.case_assigned",
        case=case,
        changes=changed_fields(before, after),
    )
    return case


def _notify_moderator(case_ids: list[int], email: str, cases_url: str) -> None:
    transaction.on_commit(
        lambda: _send(
            subject="National moderation: portfolios assigned to you",
            template="reviews/moderation/email/assigned.txt",
            context={"count": len(case_ids), "cases_url": cases_url},
            to=[email],
        )
    )


def _refuse_if_final(case: ModerationCase) -> None:
    if case.status == ModerationCase.Status.FINDINGS_SENT:
        raise ValidationError("The findings for this case have been sent: its moderator cannot change.")


@transaction.atomic
def case_assign(
    *, actor: Actor, case: ModerationCase, moderator_id: int | None, version: int, cases_url: str = ""
) -> ModerationCase:
    """Assign (or reassign) a moderator to one case. Refused for anyone who is not an active NQAP
    moderator, and for a moderator who holds or held any membership at the case's employer."""
    _require_national_staff(actor)
    with system_national_context():
        case = ModerationCase.objects.select_for_update().get(pk=case.pk)
        if case.version != version:
            raise Conflict("This case was changed by someone else. Reload it and try again.")
        _refuse_if_final(case)
        if moderator_id is None or not moderators().filter(pk=moderator_id).exists():
            raise ValidationError({"moderator": ["Select a moderator from the list"]})
        if not moderator_is_eligible(user_id=moderator_id, employer_id=case.employer_id):
            raise ValidationError(
                {
                    "moderator": [
                        "This moderator works, or has worked, for this portfolio's employer: choose another"
                    ]
                }
            )
        if case.moderator_id == moderator_id:
            return case
        case = _assign(actor=actor, case=case, moderator_id=moderator_id, now=clock.now())
        _notify_moderator([case.pk], case.moderator.email, cases_url)
    return case


@dataclasses.dataclass
class BulkAssignment:
    assigned: list[ModerationCase]
    without_moderator: list[ModerationCase]


@transaction.atomic
def round_assign_all(
    *, actor: Actor, moderation_round: ModerationRound, moderator_ids: list[int], cases_url: str = ""
) -> BulkAssignment:
    """Share the round's waiting cases among the chosen moderators in turn (round-robin), skipping, for
    each case, any moderator who holds or held a membership at its employer. A case none of them may
    moderate stays waiting and is reported."""
    _require_national_staff(actor)
    with system_national_context():
        chosen = list(moderators().filter(pk__in=moderator_ids).values_list("pk", "email"))
        if not chosen or len(chosen) != len(set(moderator_ids)):
            raise ValidationError({"moderators": ["Select one or more moderators from the list"]})
        locked = ModerationRound.objects.select_for_update().get(pk=moderation_round.pk)
        if locked.status == ModerationRound.Status.CLOSED:
            raise ValidationError("This round is closed.")
        conflicts = {pk: employer_ids_of(pk) for pk, _ in chosen}
        turn = cycle(range(len(chosen)))
        now = clock.now()
        result = BulkAssignment([], [])
        given: dict[int, list[int]] = {}
        cases = list(
            ModerationCase.objects.select_for_update()
            .filter(round=locked, status=ModerationCase.Status.WAITING)
            .order_by("stratum", "id")
        )
        for case in cases:
            for _ in range(len(chosen)):
                moderator_id = chosen[next(turn)][0]
                if case.employer_id not in conflicts[moderator_id]:
                    result.assigned.append(
                        _assign(actor=actor, case=case, moderator_id=moderator_id, now=now)
                    )
                    given.setdefault(moderator_id, []).append(case.pk)
                    break
            else:
                result.without_moderator.append(case)
        emails = dict(chosen)
        for moderator_id, case_ids in given.items():
            _notify_moderator(case_ids, emails[moderator_id], cases_url)
    return result


# --- The moderator's findings ----------------------------------------------------------------------------


def _require_case_moderator(actor: Actor, case: ModerationCase) -> None:
    """The case's own moderator, who holds and held no membership at its employer (national scope)."""
    actor.require(Role.NQAP_MODERATOR)
    if actor.user is None or case.moderator_id != actor.user.pk:
        raise PermissionDenied("Only the moderator assigned to this case records its findings.")
    if moderator_conflicted(case):
        raise PermissionDenied("You cannot moderate a portfolio of an employer you work or worked for.")


def _check_findings(
    values: dict[str, str], *, sending: bool, question: ModerationQuestion
) -> dict[str, list[str]]:
    """Only an answer to the case's own question (``reviews.moderation_questions``) is accepted."""
    errors: dict[str, list[str]] = {}
    if values["agreement"] and values["agreement"] not in question.answers:
        errors["agreement"] = [question.required]
    for name in ("strengths", "areas_for_development", "advice"):
        if len(values[name]) > MAX_TEXT:
            errors[name] = [f"This must be {MAX_TEXT:,} characters or fewer"]
    if sending:
        if not values["agreement"]:
            errors.setdefault("agreement", [question.required])
        if not values["strengths"]:
            errors.setdefault("strengths", ["Enter the strengths of the portfolio"])
        if not values["areas_for_development"]:
            errors.setdefault("areas_for_development", ["Enter the areas for development"])
    return errors


@transaction.atomic
def findings_save(
    *,
    actor: Actor,
    case: ModerationCase,
    version: int,
    agreement: str = "",
    strengths: str = "",
    areas_for_development: str = "",
    advice: str = "",
    send: bool = False,
    case_url: str = "",
) -> ModerationCase:
    """The moderator saves their findings (a draft the employer does not see) or, with ``send``, saves
    and sends them: then they are final and the employer's co-ordinators are told. ``agreement`` answers
    the case's question (``moderation_question``: about the recommendation when there is one, about the
    capabilities when there is none); another answer is refused. A stale ``version`` raises Conflict and
    writes nothing, so the other save is not overwritten."""
    values = {
        "agreement": _text(agreement),
        "strengths": _text(strengths),
        "areas_for_development": _text(areas_for_development),
        "advice": _text(advice),
    }
    with system_national_context():
        current = ModerationCase.objects.select_for_update().get(pk=case.pk)
        _require_case_moderator(actor, current)
        if current.status == ModerationCase.Status.FINDINGS_SENT:
            raise ValidationError("These findings have been sent: they can no longer be changed.")
        if current.status != ModerationCase.Status.ASSIGNED:
            raise PermissionDenied("This case is not assigned to you.")
        if current.version != version:
            raise Conflict(
                "These findings were changed since you opened them (perhaps in another window). "
                "Your text is below: check the saved findings and save again."
            )
        errors = _check_findings(values, sending=send, question=moderation_question(current))
        if errors:
            raise ValidationError(errors)
        before = {name: getattr(current, name) for name in FINDING_FIELDS}
        now = clock.now()
        changes = dict(values, updated_at=now, version=version + 1)
        if send:
            changes.update(status=ModerationCase.Status.FINDINGS_SENT, findings_sent_at=now)
        ModerationCase.objects.filter(pk=current.pk, version=version).update(**changes)
        current.refresh_from_db()
        diff = changed_fields(before, values)
        if send:
            # From now on the findings are the employer's: the event goes to its trail, with the text.
            audit_record(
                actor=actor,
                obj=current,
                action="moderation.findings_sent",
                changes={**diff, "agreement": current.agreement, "status": ["assigned", "findings_sent"]},
            )
            to = _coordinator_emails(current.employer_id)
            transaction.on_commit(
                lambda: _send(
                    subject="National moderation findings are ready",
                    template="reviews/moderation/email/findings_sent.txt",
                    context={"case_url": case_url},
                    to=to,
                )
            )
        elif diff:
            _national_event(actor=actor, action="moderation.findings_saved", case=current, changes=diff)
    return current


def record_pack_download(*, actor: Actor, case: ModerationCase) -> None:
    """The moderator downloaded the case's portfolio pack (national trail)."""
    _national_event(actor=actor, action="moderation.pack_downloaded", case=case, changes={})


def record_file_download(*, actor: Actor, case: ModerationCase, evidence_file) -> None:
    """The moderator downloaded one evidence file of the case's portfolio (national trail)."""
    _national_event(
        actor=actor, action="moderation.file_downloaded", case=case, changes={"file": evidence_file.pk}
    )


# --- Exemplars ----------------------------------------------------------------------------------------------


def _check_exemplar(values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not values["title"]:
        errors["title"] = ["Enter a title"]
    elif len(values["title"]) > MAX_TITLE:
        errors["title"] = [f"The title must be {MAX_TITLE} characters or fewer"]
    if values["service_area"] not in ("", *ServiceArea.values):
        errors["service_area"] = ["Select a service area from the list"]
    if not values["extract"]:
        errors["extract"] = ["Enter the anonymised extract"]
    if not values["annotation"]:
        errors["annotation"] = ["Enter the annotation: what makes it good, and what could be stronger"]
    for name in ("extract", "annotation"):
        if len(values[name]) > MAX_TEXT:
            errors[name] = [f"This must be {MAX_TEXT:,} characters or fewer"]
    statement_id = values["statement_id"]
    if statement_id is not None and not CapabilityStatement.objects.filter(pk=statement_id).exists():
        errors["statement"] = ["Select a capability statement from the list"]
    return errors


def _exemplar_values(title, service_area, statement_id, extract, annotation) -> dict:
    return {
        "title": _text(title),
        "service_area": service_area or "",
        "statement_id": statement_id,
        "extract": _text(extract),
        "annotation": _text(annotation),
    }


@transaction.atomic
def exemplar_create(
    *,
    actor: Actor,
    title: str,
    extract: str,
    annotation: str,
    service_area: str = "",
    statement_id: int | None = None,
) -> Exemplar:
    """A draft exemplar: an anonymised extract and its annotation, tagged to a capability statement and a
    service area. Nobody outside national staff and moderators sees it until it is published."""
    _require_national_staff(actor)
    values = _exemplar_values(title, service_area, statement_id, extract, annotation)
    errors = _check_exemplar(values)
    if errors:
        raise ValidationError(errors)
    with system_national_context():
        exemplar = Exemplar.objects.create(created_by=actor.user, **values)
        audit_record(actor=actor, obj=exemplar, action="exemplar.created", changes=changed_fields({}, values))
    return exemplar


@transaction.atomic
def exemplar_update(
    *,
    actor: Actor,
    exemplar: Exemplar,
    version: int,
    title: str,
    extract: str,
    annotation: str,
    service_area: str = "",
    statement_id: int | None = None,
) -> Exemplar:
    _require_national_staff(actor)
    values = _exemplar_values(title, service_area, statement_id, extract, annotation)
    errors = _check_exemplar(values)
    if errors:
        raise ValidationError(errors)
    with system_national_context():
        before = {name: getattr(exemplar, name) for name in values}
        updated = Exemplar.objects.filter(pk=exemplar.pk, version=version).update(
            **values, updated_at=clock.now(), version=version + 1
        )
        if not updated:
            raise Conflict(
                "This exemplar was changed by someone else since you opened it. "
                "Your text is below: check the saved exemplar and save again."
            )
        exemplar.refresh_from_db()
        audit_record(
            actor=actor, obj=exemplar, action="exemplar.updated", changes=changed_fields(before, values)
        )
    return exemplar


@transaction.atomic
def exemplar_set_published(*, actor: Actor, exemplar: Exemplar, published: bool, version: int) -> Exemplar:
    """Publish an exemplar to every employer's co-ordinators and assessors, or withdraw it to draft."""
    _require_national_staff(actor)
    with system_national_context():
        if exemplar.published == published and exemplar.version == version:
            return exemplar
        updated = Exemplar.objects.filter(pk=exemplar.pk, version=version).update(
            published=published, updated_at=clock.now(), version=version + 1
        )
        if not updated:
            raise Conflict("This exemplar was changed by someone else. Check it and try again.")
        exemplar.refresh_from_db()
        audit_record(
            actor=actor,
            obj=exemplar,
            action="exemplar.published" if published else "exemplar.unpublished",
            changes={"published": [not published, published]},
        )
    return exemplar


# --- Good-practice endorsement ------------------------------------------------------------------------------


@transaction.atomic
def good_practice_apply(*, actor: Actor, title: str, description: str) -> GoodPracticeApplication:
    """A co-ordinator applies for the NQAP's good-practice endorsement of the employer's programme."""
    actor.require(Role.COORDINATOR)
    if actor.employer_id is None:
        raise PermissionDenied("Choose the employer you are applying for.")
    title, description = _text(title), _text(description)
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["Enter a title for the practice"]
    elif len(title) > MAX_TITLE:
        errors["title"] = [f"The title must be {MAX_TITLE} characters or fewer"]
    if not description:
        errors["description"] = ["Describe the practice and the difference it makes"]
    elif len(description) > MAX_TEXT:
        errors["description"] = [f"The description must be {MAX_TEXT:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    application = GoodPracticeApplication.objects.create(
        employer_id=actor.employer_id, title=title, description=description, submitted_by=actor.user
    )
    audit_record(
        actor=actor,
        obj=application,
        action="good_practice.applied",
        changes={"title": title, "description": description},
    )
    return application


@transaction.atomic
def good_practice_decide(
    *, actor: Actor, application: GoodPracticeApplication, endorse: bool, note: str, version: int
) -> GoodPracticeApplication:
    """National staff endorse an application or not, with a note the employer reads (required when not
    endorsing). A decision is final; a second decision, or a stale ``version``, is refused."""
    _require_national_staff(actor)
    note = _text(note)
    if not endorse and not note:
        raise ValidationError({"note": ["Give the reason the practice is not endorsed"]})
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": [f"The note must be {MAX_TEXT:,} characters or fewer"]})
    status = (
        GoodPracticeApplication.Status.ENDORSED if endorse else GoodPracticeApplication.Status.NOT_ENDORSED
    )
    with system_national_context():
        current = GoodPracticeApplication.objects.select_for_update().get(pk=application.pk)
        if current.status != GoodPracticeApplication.Status.SUBMITTED:
            raise ValidationError("This application has already been decided.")
        if current.version != version:
            raise Conflict("This application was changed by someone else. Reload it and try again.")
        GoodPracticeApplication.objects.filter(pk=current.pk).update(
            status=status,
            decision_note=note,
            decided_by=actor.user,
            decided_at=clock.now(),
            version=version + 1,
        )
        current.refresh_from_db()
        audit_record(
            actor=actor,
            obj=current,
            action="good_practice.endorsed" if endorse else "good_practice.not_endorsed",
            changes={"status": [GoodPracticeApplication.Status.SUBMITTED, status], "note": note},
        )
    return current
