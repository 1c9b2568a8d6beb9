"""One moderation case: national staff assign or reassign its moderator; moderators see their own cases,
each portfolio (on screen, as a PDF pack and its evidence files), and record and send their findings.

A moderator's case is found through ``moderator_case_list``: a case not assigned to them, or of an
employer where they hold or held a role, is a 404 even if they guess its id."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.forms.models import model_to_dict
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.models import Role
from asye.jobs.services import job_start
from asye.tenancy.national import national_view
from asye.web.flow import Latest, form_flow, form_page
from asye.web.forms import answers, posted
from portfolios.evidence_downloads import stored_file_response
from portfolios.models import EvidenceFile
from portfolios.pack import pack_filename, portfolio_pack_pdf
from portfolios.selectors import portfolio_contents
from reviews.jobs import MODERATION_PACK
from reviews.models import ModerationCase
from reviews.moderation_forms import AssignForm, FindingsForm
from reviews.moderation_pack import moderation_pack_plan
from reviews.moderation_questions import moderation_question, question_answered
from reviews.moderation_selectors import (
    case_get_national,
    moderator_case_get,
    moderator_case_list,
    moderator_conflicted,
    moderators_eligible,
    recommendation_for,
)
from reviews.moderation_services.assignments import case_assign
from reviews.moderation_services.findings import findings_save, record_file_download, record_pack_download
from reviews.moderation_views.statuses import refused_status
from reviews.review_record import review_records

MODERATOR = (Role.NQAP_MODERATOR,)


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
    status = 400 if request.method == "POST" else 200  # a final case, or answers that do not fit
    if not final:
        eligible = list(moderators_eligible(employer_id=case.employer_id))
        initial = {"version": case.version, "moderator": case.moderator_id}
        form = AssignForm(posted(request), eligible=eligible, initial=initial)
        if form.is_bound and form.is_valid():
            status = 200  # the service's refusal is shown on the form
        flow = form_flow(
            request,
            form,
            save=lambda data: case_assign(
                actor=actor,
                case=case,
                moderator_id=data["moderator"],
                version=data["version"],
                cases_url=request.build_absolute_uri(reverse("moderation:my_cases")),
            ),
            done=lambda _case: redirect("moderation:case", pk=pk),
            message="Moderator assigned",
        )
        if flow.response:
            return flow.response
        if flow.conflict:  # the case and its moderator as they are now, offered afresh
            conflict, status = flow.conflict, 409
            case = case_get_national(actor=actor, pk=pk)
            form = AssignForm(
                eligible=eligible, initial={"version": case.version, "moderator": case.moderator_id}
            )
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
    return model_to_dict(case, ("agreement", "strengths", "areas_for_development", "advice", "version"))


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
    send = request.POST.get("action") == FindingsForm.SEND
    latest = Latest(lambda: moderator_case_get(actor=actor, pk=pk))
    return form_page(
        request,
        FindingsForm(request.POST or None, initial=_findings_initial(case), question=question),
        template="reviews/moderation/findings_form.html",
        context=lambda _flow: {
            "case": case,
            "saved": latest.record,
            "question": question,
        },
        status=partial(refused_status, request),
        save=lambda data: findings_save(
            actor=actor,
            case=case,
            **answers(data, "version", "agreement", "strengths", "areas_for_development", "advice"),
            send=send,
            case_url=request.build_absolute_uri(reverse("reviews:moderation_case", args=[case.pk])),
        ),
        done=lambda _saved: redirect("moderation:my_case" if send else "moderation:my_case_findings", pk=pk),
        message="Findings sent to the employer" if send else "Findings saved",
        # Keep what they typed; show what is saved now; the next save is against the new version.
        current_version=latest.version,
        rebind=partial(FindingsForm, question=question),
    )


@national_view(roles=MODERATOR)
@require_GET
def my_case_pack(request, pk: int):
    """The portfolio pack as a PDF, downloaded (never shown inline), recorded in the national trail. A pack
    kept for the portfolio as it is now downloads at once; a portfolio of more records than
    ``settings.ASYE_PACK_JOB_THRESHOLD`` is made by a background job (``reviews.jobs``, progress page),
    which sends the moderator back here; a smaller one is made while they wait."""
    case = moderator_case_get(actor=request.actor, pk=pk)
    plan = moderation_pack_plan(case.portfolio)
    kept = None
    if plan.stored:
        try:
            kept = default_storage.open(plan.name, "rb")
        except FileNotFoundError:  # replaced by a newer version since we looked
            kept = None
    if kept is None and plan.records > settings.ASYE_PACK_JOB_THRESHOLD:
        job = job_start(
            actor=request.actor,
            kind=MODERATION_PACK,
            label=f"Moderation pack for case {case.pk}",
            params={"case_id": case.pk, "portfolio_id": case.portfolio_id},
            national=True,
            back_url=reverse("moderation:my_case", args=[case.pk]),
        )
        return redirect("jobs:progress", pk=job.public_id)
    record_pack_download(actor=request.actor, case=case)
    if kept is not None:
        response = FileResponse(kept, content_type="application/pdf")
    else:
        response = HttpResponse(portfolio_pack_pdf(case.portfolio), content_type="application/pdf")
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
    response = stored_file_response(evidence_file)
    record_file_download(actor=request.actor, case=case, evidence_file=evidence_file)
    return response
