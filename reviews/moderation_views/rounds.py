"""National staff's moderation pages: the overview, drawing a round (choose, preview, confirm), a round's
cases, assigning them many at once, and closing it.

Every page runs in the audited national scope (``national_view``) and renders inside it; national staff's
pages need the national staff role, a moderator's the NQAP moderator role, so anyone else gets 403 before
anything is read."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye.tenancy.national import national_view
from asye.web.confirm import confirm_post
from asye.web.flow import form_flow
from asye.web.forms import add_service_errors
from portfolios.models import Portfolio
from reviews.models import GoodPracticeApplication, ModerationCase, ModerationRound
from reviews.moderation_forms import BulkAssignForm, RoundForm
from reviews.moderation_sampling import (
    STRATA,
    funding_years_with_submissions_national,
    voluntary_waiting_national,
)
from reviews.moderation_selectors import (
    case_list_national,
    good_practice_register_national,
    moderators,
    round_cases_national,
    round_get_national,
    round_list_national,
    round_progress,
)
from reviews.moderation_services import rounds as round_services
from reviews.moderation_services.assignments import round_assign_all


@national_view
@require_GET
def index(request):
    actor = request.actor
    rounds = list(round_list_national(actor=actor))
    counts = {
        row["round_id"]: row
        for row in case_list_national(actor=actor)
        .filter(round__in=rounds)
        .values("round_id")
        .order_by()
        .annotate(**_status_counts())
    }
    return render(
        request,
        "reviews/moderation/index.html",
        {
            "rounds": [(r, counts.get(r.pk, {})) for r in rounds],
            "voluntary": list(voluntary_waiting_national(actor=actor)),
            "undecided": good_practice_register_national(
                actor=actor, status=GoodPracticeApplication.Status.SUBMITTED
            ).count(),
        },
    )


def _status_counts() -> dict:
    return {status: Count("id", filter=Q(status=status)) for status in ModerationCase.Status.values} | {
        "total": Count("id")
    }


def _draw_rows(draw) -> dict:
    """What the preview shows: each stratum's counts, and who was drawn (employer and NQSW)."""
    portfolios = {
        p.pk: p
        for p in Portfolio.objects.filter(pk__in=draw.drawn).select_related("employer", "registration")
    }
    voluntary = list(
        ModerationCase.objects.filter(pk__in=draw.voluntary_case_ids).select_related(
            "employer", "portfolio__registration"
        )
    )
    return {
        "strata": draw.strata,
        "drawn": [
            (stratum.label, portfolios[pk])
            for stratum in draw.strata
            for pk in stratum.drawn
            if pk in portfolios
        ],
        "voluntary": voluntary,
        "by_labels": [STRATA[name][2] for name in draw.by],
    }


@national_view
@require_http_methods(["GET", "POST"])
def round_create(request):
    """Choose the strata and the size; preview the draw (nothing is written); confirm to create it.
    Each step posts the whole form, so it works without JavaScript and nothing is kept in the session."""
    actor = request.actor
    years = funding_years_with_submissions_national(actor=actor)
    if request.method != "POST":
        form = RoundForm(funding_years=years, initial={"mode": RoundForm.MODE_NUMBER})
        return render(request, "reviews/moderation/round_form.html", {"form": form, "years": years})
    action = request.POST.get("action", "preview")
    data = request.POST.copy()
    # The seed the person typed, if any (the preview's hidden "seed" is the one it drew).
    chosen_seed = (
        data.get("chosen_seed", "") if action in ("confirm", "redraw", "change") else data.get("seed", "")
    )
    if action == "change":
        data["seed"] = chosen_seed
    form = RoundForm(data, funding_years=years)
    if not form.is_valid() or action == "change":
        return render(request, "reviews/moderation/round_form.html", {"form": form, "years": years})
    conflict = ""
    seed = None if action == "redraw" else form.cleaned_data.get("seed")
    if action == "confirm" and seed:
        flow = form_flow(
            request,
            form,
            save=lambda data: round_services.round_create(
                actor=actor, **form.request(), seed=seed, expected=data.get("expected") or ""
            ),
            done=lambda made: redirect("moderation:round", pk=made.pk),
            message=lambda made: f"{made.name} created",
        )
        if flow.response:
            return flow.response
        if not flow.conflict:  # refused: the service's reasons on the form
            return render(request, "reviews/moderation/round_form.html", {"form": form, "years": years})
        # The draw changed since the preview: show the new one, with the reason.
        conflict = flow.conflict
    try:
        draw = round_services.round_preview(actor=actor, **form.request(), seed=seed)
    except ValidationError as error:
        add_service_errors(form, error)
        return render(request, "reviews/moderation/round_form.html", {"form": form, "years": years})
    return render(
        request,
        "reviews/moderation/round_preview.html",
        {
            "form": form,
            "draw": draw,
            "fingerprint": draw.fingerprint(),
            "conflict": conflict,
            "strata_chosen": form.cleaned_data.get("strata") or [],
            "chosen_seed": chosen_seed,
            **_draw_rows(draw),
        },
        status=409 if conflict else 200,
    )


def _round_page(
    request, moderation_round: ModerationRound, *, assign_form=None, close_error: str = "", status=200
):
    actor = request.actor
    cases = round_cases_national(actor=actor, moderation_round=moderation_round)
    progress = round_progress(cases)
    all_moderators = list(moderators())
    if assign_form is None:
        assign_form = BulkAssignForm(moderators=all_moderators)
    return render(
        request,
        "reviews/moderation/round.html",
        {
            "round": moderation_round,
            "cases": cases,
            "progress": progress,
            "groups": moderation_round.strata.get("groups", []),
            "by_labels": [
                STRATA[name][2] for name in moderation_round.strata.get("by", []) if name in STRATA
            ],
            "assign_form": assign_form if progress.waiting and all_moderators else None,
            "no_moderators": not all_moderators,
            "can_close": moderation_round.status == ModerationRound.Status.OPEN and progress.complete,
            "close_error": close_error,
            "open": moderation_round.status == ModerationRound.Status.OPEN,
        },
        status=status,
    )


@national_view
@require_http_methods(["GET", "POST"])
def round_detail(request, pk: int):
    """A round: its strata, seed and draw; its cases; assigning the waiting ones; closing it."""
    actor = request.actor
    moderation_round = round_get_national(actor=actor, pk=pk)
    if request.method != "POST":
        return _round_page(request, moderation_round)
    if request.POST.get("action") == "close":
        closed = confirm_post(
            request,
            lambda: round_services.round_close(actor=actor, moderation_round=moderation_round),
            message=f"{moderation_round.name} closed",
            done=lambda: redirect("moderation:round", pk=pk),
        )
        return closed.response or _round_page(
            request, moderation_round, close_error=closed.refusal, status=400
        )

    def assigned(result) -> HttpResponse:
        if result.without_moderator:
            left = len(result.without_moderator)
            messages.warning(
                request,
                f"{left} case{'s' if left != 1 else ''} could not be given to any of the moderators you "
                "chose, because each of them works or worked for that employer. Assign "
                f"{'them' if left != 1 else 'it'} one by one.",
            )
        return redirect("moderation:round", pk=pk)

    flow = form_flow(
        request,
        BulkAssignForm(request.POST, moderators=list(moderators())),
        save=lambda data: round_assign_all(
            actor=actor,
            moderation_round=moderation_round,
            moderator_ids=data["moderators"],
            cases_url=request.build_absolute_uri(reverse("moderation:my_cases")),
        ),
        done=assigned,
        message=lambda result: f"{len(result.assigned)} case{plural(result.assigned)} assigned",
    )
    if flow.response:
        return flow.response
    return _round_page(request, moderation_round, assign_form=flow.form, status=400)


def plural(items) -> str:
    return "" if len(items) == 1 else "s"
