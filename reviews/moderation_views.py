"""National moderation pages under /national/moderation/ (namespace ``moderation``).

National staff: rounds (draw a stratified sample, preview it, confirm it), assigning moderators one by
one or many at once, every case and its findings, the exemplars library and the good-practice register.
Moderators: their own cases, each portfolio (on screen, as a PDF pack and its evidence files), and the
findings they record and send.

Every page runs in the audited national scope (``national_view``) and renders inside it; national staff's
pages need the national staff role, a moderator's the NQAP moderator role, so anyone else gets 403 before
anything is read. A moderator's case is found through ``moderator_case_list``: a case not assigned to
them, or of an employer where they hold or held a role, is a 404 even if they guess its id.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.models import Role
from asye.errors import Conflict
from asye.tenancy.national import national_view
from asye.web.forms import add_service_errors, rebind_with_version
from portfolios.models import EvidenceFile, Portfolio
from portfolios.pack import pack_filename, portfolio_pack_pdf
from portfolios.selectors import portfolio_contents
from portfolios.uploads import KINDS, download_name, evidence_storage
from reviews import moderation_services as services
from reviews.forms import VersionedForm
from reviews.models import Exemplar, GoodPracticeApplication, ModerationCase, ModerationRound
from reviews.moderation_forms import (
    AssignForm,
    BulkAssignForm,
    ExemplarForm,
    FindingsForm,
    GoodPracticeDecisionForm,
    RoundForm,
)
from reviews.moderation_questions import moderation_question, question_answered
from reviews.moderation_selectors import (
    STRATA,
    case_get_national,
    case_list_national,
    exemplar_get_national,
    exemplar_list_national,
    funding_years_with_submissions_national,
    good_practice_get_national,
    good_practice_register_national,
    moderator_case_get,
    moderator_case_list,
    moderator_conflicted,
    moderators,
    moderators_eligible,
    recommendation_for,
    round_cases_national,
    round_get_national,
    round_list_national,
    round_progress,
    voluntary_waiting_national,
)
from reviews.review_record import review_records

MODERATOR = (Role.NQAP_MODERATOR,)
LIBRARY_READERS = (Role.NATIONAL_STAFF, Role.NQAP_MODERATOR)


# --- National staff: overview and rounds ----------------------------------------------------------------


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
        try:
            moderation_round = services.round_create(
                actor=actor, **form.request(), seed=seed, expected=form.cleaned_data.get("expected") or ""
            )
        except Conflict as error:
            conflict = error.message
        except ValidationError as error:
            add_service_errors(form, error)
            return render(request, "reviews/moderation/round_form.html", {"form": form, "years": years})
        else:
            messages.success(request, f"{moderation_round.name} created")
            return redirect("moderation:round", pk=moderation_round.pk)
    try:
        draw = services.round_preview(actor=actor, **form.request(), seed=seed)
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
        try:
            services.round_close(actor=actor, moderation_round=moderation_round)
        except ValidationError as error:
            return _round_page(request, moderation_round, close_error=" ".join(error.messages), status=400)
        messages.success(request, f"{moderation_round.name} closed")
        return redirect("moderation:round", pk=pk)
    form = BulkAssignForm(request.POST, moderators=list(moderators()))
    if form.is_valid():
        try:
            result = services.round_assign_all(
                actor=actor,
                moderation_round=moderation_round,
                moderator_ids=form.cleaned_data["moderators"],
                cases_url=request.build_absolute_uri(reverse("moderation:my_cases")),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            count = len(result.assigned)
            messages.success(request, f"{count} case{'s' if count != 1 else ''} assigned")
            if result.without_moderator:
                left = len(result.without_moderator)
                messages.warning(
                    request,
                    f"{left} case{'s' if left != 1 else ''} could not be given to any of the moderators you "
                    "chose, because each of them works or worked for that employer. Assign "
                    f"{'them' if left != 1 else 'it'} one by one.",
                )
            return redirect("moderation:round", pk=pk)
    return _round_page(request, moderation_round, assign_form=form, status=400)


# --- National staff: one case ------------------------------------------------------------------------------


@national_view
@require_http_methods(["GET", "POST"])
def case_detail(request, pk: int):
    """A case as national staff see it: where it came from, its moderator (assign or reassign while no
    findings are sent: only eligible moderators are offered) and its findings once sent."""
    actor = request.actor
    case = case_get_national(actor=actor, pk=pk)
    final = case.status == ModerationCase.Status.FINDINGS_SENT
    eligible = []
    form = None
    conflict = ""
    status = 200
    if not final:
        eligible = list(moderators_eligible(employer_id=case.employer_id))
        initial = {"version": case.version, "moderator": case.moderator_id}
        form = AssignForm(
            request.POST if request.method == "POST" else None, eligible=eligible, initial=initial
        )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.case_assign(
                actor=actor,
                case=case,
                moderator_id=form.cleaned_data["moderator"],
                version=form.cleaned_data["version"],
                cases_url=request.build_absolute_uri(reverse("moderation:my_cases")),
            )
        except Conflict as error:
            conflict, status = error.message, 409
            case = case_get_national(actor=actor, pk=pk)
            form = AssignForm(
                eligible=eligible, initial={"version": case.version, "moderator": case.moderator_id}
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Moderator assigned")
            return redirect("moderation:case", pk=pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "reviews/moderation/case.html",
        {
            "case": case,
            "form": form,
            "eligible": eligible,
            "conflict": conflict,
            "moderator_conflicted": moderator_conflicted(case),
            "recommendation": recommendation_for(case),
            "question": question_answered(case.agreement) or moderation_question(case),
        },
        status=status,
    )


# --- Moderators: their cases -------------------------------------------------------------------------------


@national_view(roles=MODERATOR)
@require_GET
def my_cases(request):
    cases = list(moderator_case_list(actor=request.actor).order_by("status", "assigned_at", "id"))
    return render(
        request,
        "reviews/moderation/my_cases.html",
        {
            "to_do": [c for c in cases if c.status == ModerationCase.Status.ASSIGNED],
            "done": [c for c in cases if c.status == ModerationCase.Status.FINDINGS_SENT],
        },
    )


@national_view(roles=MODERATOR)
@require_GET
def my_case(request, pk: int):
    """The portfolio of one of the moderator's cases, with every review, the recommendation to check it
    against (if there is one) and the question the moderator answers."""
    case = moderator_case_get(actor=request.actor, pk=pk)
    return render(
        request,
        "reviews/moderation/my_case.html",
        {
            "case": case,
            "contents": portfolio_contents(case.portfolio),
            "reviews": review_records(case.portfolio.registration),
            "recommendation": recommendation_for(case),
            "question": question_answered(case.agreement) or moderation_question(case),
        },
    )


def _findings_initial(case: ModerationCase) -> dict:
    return {
        "agreement": case.agreement,
        "strengths": case.strengths,
        "areas_for_development": case.areas_for_development,
        "advice": case.advice,
        "version": case.version,
    }


@national_view(roles=MODERATOR)
@require_http_methods(["GET", "POST"])
def my_case_findings(request, pk: int):
    """Record the findings: save a draft, or send them to the employer (then they are final). A stale
    save keeps the moderator's text in the form and shows what is saved now."""
    actor = request.actor
    case = moderator_case_get(actor=actor, pk=pk)
    if case.status == ModerationCase.Status.FINDINGS_SENT:
        messages.info(request, "These findings have been sent: they can no longer be changed")
        return redirect("moderation:my_case", pk=pk)
    question = moderation_question(case)
    form = FindingsForm(request.POST or None, initial=_findings_initial(case), question=question)
    conflict = ""
    saved = None
    status = 200
    if request.method == "POST" and form.is_valid():
        send = request.POST.get("action") == FindingsForm.SEND
        data = form.cleaned_data
        try:
            services.findings_save(
                actor=actor,
                case=case,
                version=data["version"],
                agreement=data["agreement"],
                strengths=data["strengths"],
                areas_for_development=data["areas_for_development"],
                advice=data["advice"],
                send=send,
                case_url=request.build_absolute_uri(reverse("reviews:moderation_case", args=[case.pk])),
            )
        except Conflict as error:
            # Keep what they typed; show what is saved now; the next save is against the new version.
            conflict, status = error.message, 409
            saved = moderator_case_get(actor=actor, pk=pk)
            form = rebind_with_version(FindingsForm, request.POST, saved.version, question=question)
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        else:
            if send:
                messages.success(request, "Findings sent to the employer")
                return redirect("moderation:my_case", pk=pk)
            messages.success(request, "Findings saved")
            return redirect("moderation:my_case_findings", pk=pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "reviews/moderation/findings_form.html",
        {"case": case, "form": form, "conflict": conflict, "saved": saved, "question": question},
        status=status,
    )


@national_view(roles=MODERATOR)
@require_GET
def my_case_pack(request, pk: int):
    """The portfolio pack as a PDF, downloaded (never shown inline), recorded in the national trail."""
    case = moderator_case_get(actor=request.actor, pk=pk)
    pdf = portfolio_pack_pdf(case.portfolio)
    services.record_pack_download(actor=request.actor, case=case)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack_filename(case.portfolio.registration)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@national_view(roles=MODERATOR)
@require_GET
def my_case_file(request, case_pk: int, pk: int):
    """An evidence file of the case's portfolio, as an attachment; only files of evidence the NQSW shared
    (drafts are theirs alone), and only of this moderator's case."""
    case = moderator_case_get(actor=request.actor, pk=case_pk)
    evidence_file = get_object_or_404(
        EvidenceFile.objects.filter(evidence__portfolio_id=case.portfolio_id).exclude(
            evidence__status="draft"
        ),
        pk=pk,
    )
    kind = next((k for k in KINDS.values() if k.content_type == evidence_file.content_type), None)
    if kind is None:
        raise Http404("Unknown file type.")
    try:
        handle = evidence_storage().open(evidence_file.storage_name, "rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing.") from error
    services.record_file_download(actor=request.actor, case=case, evidence_file=evidence_file)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(evidence_file.original_name, kind),
        content_type=kind.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Exemplars ---------------------------------------------------------------------------------------------


@national_view(roles=LIBRARY_READERS)
@require_GET
def exemplar_list(request):
    exemplars = exemplar_list_national(actor=request.actor)
    return render(request, "reviews/moderation/exemplars.html", {"exemplars": list(exemplars)})


@national_view(roles=LIBRARY_READERS)
@require_http_methods(["GET", "POST"])
def exemplar_detail(request, pk: int):
    """One exemplar; national staff publish it (or withdraw it to draft) here."""
    actor = request.actor
    exemplar = exemplar_get_national(actor=actor, pk=pk)
    conflict = ""
    status = 200
    if request.method == "POST":
        if not actor.is_national_staff:
            raise PermissionDenied("Only national staff publish exemplars.")
        form = VersionedForm(request.POST)
        if form.is_valid():
            publish = request.POST.get("action") == "publish"
            try:
                services.exemplar_set_published(
                    actor=actor, exemplar=exemplar, published=publish, version=form.cleaned_data["version"]
                )
            except Conflict as error:
                conflict, status = error.message, 409
                exemplar = exemplar_get_national(actor=actor, pk=pk)
            else:
                messages.success(request, "Exemplar published" if publish else "Exemplar withdrawn to draft")
                return redirect("moderation:exemplar", pk=pk)
        else:
            status = 400
    return render(
        request,
        "reviews/moderation/exemplar.html",
        {"exemplar": exemplar, "conflict": conflict},
        status=status,
    )


def _exemplar_form_page(request, *, exemplar: Exemplar | None):
    actor = request.actor
    initial = {}
    if exemplar is not None:
        initial = {
            "title": exemplar.title,
            "service_area": exemplar.service_area,
            "statement": exemplar.statement_id,
            "extract": exemplar.extract,
            "annotation": exemplar.annotation,
            "version": exemplar.version,
        }
    form = ExemplarForm(request.POST or None, initial=initial)
    conflict = ""
    saved = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "title": data["title"],
            "service_area": data["service_area"],
            "statement_id": data["statement"],
            "extract": data["extract"],
            "annotation": data["annotation"],
        }
        try:
            if exemplar is None:
                exemplar = services.exemplar_create(actor=actor, **values)
            else:
                services.exemplar_update(
                    actor=actor, exemplar=exemplar, version=data["version"] or 0, **values
                )
        except Conflict as error:
            conflict, status = error.message, 409
            saved = exemplar_get_national(actor=actor, pk=exemplar.pk)
            form = rebind_with_version(ExemplarForm, request.POST, saved.version)
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        else:
            messages.success(request, "Exemplar saved")
            return redirect("moderation:exemplar", pk=exemplar.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "reviews/moderation/exemplar_form.html",
        {"form": form, "exemplar": exemplar, "conflict": conflict, "saved": saved},
        status=status,
    )


@national_view
@require_http_methods(["GET", "POST"])
def exemplar_create(request):
    return _exemplar_form_page(request, exemplar=None)


@national_view
@require_http_methods(["GET", "POST"])
def exemplar_edit(request, pk: int):
    return _exemplar_form_page(request, exemplar=exemplar_get_national(actor=request.actor, pk=pk))


# --- Good-practice register ---------------------------------------------------------------------------------


@national_view
@require_GET
def good_practice_register(request):
    status = request.GET.get("status", "")
    status = status if status in GoodPracticeApplication.Status.values else ""
    applications = good_practice_register_national(actor=request.actor, status=status)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/moderation/good_practice_register.html",
        {
            "page": page,
            "status": status,
            "statuses": GoodPracticeApplication.Status.choices,
            "query": f"status={status}&" if status else "",
        },
    )


@national_view
@require_http_methods(["GET", "POST"])
def good_practice_decide(request, pk: int):
    actor = request.actor
    application = good_practice_get_national(actor=actor, pk=pk)
    undecided = application.status == GoodPracticeApplication.Status.SUBMITTED
    form = None
    conflict = ""
    status = 200
    if undecided:
        form = GoodPracticeDecisionForm(
            request.POST if request.method == "POST" else None, initial={"version": application.version}
        )
    if request.method == "POST" and form is not None and form.is_valid():
        endorse = form.cleaned_data["decision"] == "endorse"
        try:
            services.good_practice_decide(
                actor=actor,
                application=application,
                endorse=endorse,
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except Conflict as error:
            conflict, status = error.message, 409
            application = good_practice_get_national(actor=actor, pk=pk)
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        else:
            messages.success(request, "Practice endorsed" if endorse else "Decision recorded: not endorsed")
            return redirect("moderation:good_practice_register")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "reviews/moderation/good_practice_decide.html",
        {"application": application, "form": form, "conflict": conflict},
        status=status,
    )
