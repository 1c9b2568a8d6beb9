"""Assurance pages for people at an employer: the NQSW's confidential route to the national team, the
matters the national team raised with the employer, and the co-ordinator's QA review meetings with
their submission."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from assurance import concern_services, meeting_services, selectors
from assurance.forms import AcknowledgeForm, ConcernForm, SubmissionForm
from assurance.models import ConcernStatus, MeetingStatus
from asye.accounts.models import Role
from asye.errors import Conflict
from asye.web.decorators import GET_ONLY, employer_view, opens
from asye.web.flow import form_page
from asye.web.forms import posted
from portfolios.uploads import evidence_storage

# --- The NQSW's confidential route ---------------------------------------------------------------------


@employer_view(Role.NQSW)
@require_GET
def concerns(request):
    return render(
        request, "assurance/concerns.html", {"concerns": selectors.concern_list_own(actor=request.actor)}
    )


@employer_view(Role.NQSW)
@require_http_methods(["GET", "HEAD", "POST"])
def concern_new(request):
    actor = request.actor
    return form_page(
        request,
        ConcernForm(posted(request)),
        template="assurance/concern_form.html",
        save=lambda data: concern_services.concern_submit(
            actor=actor,
            topic=data["topic"],
            details=data["details"],
            may_contact=data["may_contact"] == "yes",
        ),
        done=lambda saved: redirect("assurance:concern", pk=saved.pk),
        message="Your message has been sent to the national ASYE team",
    )


@employer_view(Role.NQSW)
@opens(selectors.concern_get_own, GET_ONLY)
def concern(request, item):
    actor = request.actor
    return render(
        request,
        "assurance/concern.html",
        {
            "concern": item,
            "actions": selectors.shared_actions(actor=actor, concern=item),
            "Status": ConcernStatus,
        },
    )


# --- Matters raised with the employer ------------------------------------------------------------------


@employer_view(Role.COORDINATOR)
@require_GET
def raised_list(request):
    return render(
        request, "assurance/raised_list.html", {"raised": selectors.raised_list(actor=request.actor)}
    )


@employer_view(Role.COORDINATOR)
@opens(selectors.raised_get)
def raised(request, item):
    actor = request.actor
    if request.method == "POST" and item.acknowledged_at:
        raise Http404
    return form_page(
        request,
        AcknowledgeForm(posted(request)),
        template="assurance/raised.html",
        context={"item": item},
        save=lambda data: concern_services.raised_concern_acknowledge(
            actor=actor, raised=item, response=data["response"]
        ),
        done=lambda saved: redirect("assurance:raised", pk=item.pk),
        message="Your response has been sent to the national ASYE team",
    )


# --- QA review meetings --------------------------------------------------------------------------------


@employer_view(Role.COORDINATOR)
@require_GET
def meetings(request):
    return render(
        request, "assurance/meetings.html", {"meetings": selectors.meeting_list(actor=request.actor)}
    )


@employer_view(Role.COORDINATOR)
@opens(selectors.meeting_get, GET_ONLY)
def meeting(request, item):
    submission = selectors.submission_for(meeting=item)
    return render(
        request,
        "assurance/meeting.html",
        {
            "meeting": item,
            "submission": submission,
            "answers": selectors.answered_questions(meeting=item, submission=submission),
            "editable": not submission.submitted_at and item.status == MeetingStatus.SCHEDULED,
        },
    )


@employer_view(Role.COORDINATOR)
@opens(selectors.meeting_get)
def submission_edit(request, item):
    actor = request.actor
    submission = selectors.submission_for(meeting=item)
    if submission.submitted_at or item.status != MeetingStatus.SCHEDULED:
        return redirect("assurance:meeting", pk=item.pk)
    questions = list(item.questionnaire.questions.order_by("position"))
    initial = {"version": submission.version, "action_plan": submission.action_plan}
    initial.update({f"q{key}": value for key, value in submission.answers.items()})
    form = SubmissionForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        initial=initial,
        questions=questions,
    )
    return form_page(
        request,
        form,
        template="assurance/submission_form.html",
        context={"meeting": item, "submission": submission},
        save=lambda data: meeting_services.submission_save(
            actor=actor,
            submission=submission,
            version=data["version"],
            answers=form.answers(),
            action_plan=data["action_plan"],
            report_upload=data.get("report_file"),
            plan_upload=data.get("plan_file"),
        ),
        done=lambda saved: redirect("assurance:meeting", pk=item.pk),
        message="Your submission has been saved. Send it when it is ready",
        current_version=lambda: selectors.submission_for(meeting=item).version,
        rebind=lambda data: SubmissionForm(data, initial=initial, questions=questions),
    )


@employer_view(Role.COORDINATOR)
@opens(selectors.meeting_get)
def submission_send(request, item):
    actor = request.actor
    submission = selectors.submission_for(meeting=item)
    problems: list[str] = []
    if request.method == "POST":
        try:
            meeting_services.submission_send(actor=actor, submission=submission, version=submission.version)
        except ValidationError as error:
            problems = error.messages
        except Conflict as error:
            problems = [error.message]
        else:
            messages.success(request, "Your submission has been sent to the national ASYE team")
            return redirect("assurance:meeting", pk=item.pk)
    return render(
        request,
        "assurance/submission_send.html",
        {"meeting": item, "submission": submission, "problems": problems},
        status=200,
    )


@employer_view(Role.COORDINATOR)
@opens(selectors.meeting_get, GET_ONLY)
def submission_file(request, item, which: str):
    return serve_submission_file(selectors.submission_for(meeting=item), which)


def serve_submission_file(submission, which: str):
    """A submission's uploaded file as an attachment (the caller found the meeting it may see)."""
    names = {"report": ("report_file", "report_name"), "plan": ("plan_file", "plan_name")}
    if which not in names:
        raise Http404
    stored, original = (getattr(submission, field) for field in names[which])
    if not stored:
        raise Http404
    return FileResponse(evidence_storage().open(stored, "rb"), as_attachment=True, filename=original or which)
