"""National staff's assurance pages: confidential concerns (record actions, raise with the employer) and
QA review meetings (schedule, read the submission, record notes and agreed actions). They run in the
audited national scope and render inside it; writes go through the services, which check the role."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from assurance import concern_services, meeting_services, selectors
from assurance.forms import ConcernActionForm, MeetingOutcomeForm, MeetingScheduleForm, RaiseForm
from assurance.models import ConcernStatus
from assurance.views import serve_submission_file
from asye import clock
from asye.tenancy.national import national_view
from asye.web.dates import date_data
from asye.web.flow import form_page


@national_view
@require_GET
def overview(request):
    actor = request.actor
    status = request.GET.get("status", "")
    if status not in ConcernStatus.values:
        status = ""
    return render(
        request,
        "assurance/national/overview.html",
        {
            "concerns": selectors.concern_list_national(actor=actor, status=status),
            "status": status,
            "statuses": ConcernStatus.choices,
            "meetings": selectors.meeting_list_national(actor=actor),
            "today": clock.today(),
        },
    )


@national_view
@require_http_methods(["GET", "HEAD", "POST"])
def concern(request, pk: int):
    actor = request.actor
    item = selectors.concern_get_national(actor=actor, pk=pk)
    initial = {"version": item.version, "status": item.status, **date_data("taken_on", clock.today())}
    return form_page(
        request,
        ConcernActionForm(request.POST if request.method == "POST" else None, initial=initial),
        template="assurance/national/concern.html",
        context=lambda flow: {
            "concern": item,
            "actions": selectors.concern_actions_national(actor=actor, concern=item),
        },
        save=lambda data: concern_services.concern_action_record(
            actor=actor,
            concern=item,
            version=data["version"],
            taken_on=data["taken_on"],
            description=data["description"],
            shared_with_nqsw=data["shared_with_nqsw"],
            status=data["status"],
        ),
        done=lambda saved: redirect("national_assurance:concern", pk=item.pk),
        message="The action has been recorded",
        current_version=lambda: selectors.concern_get_national(actor=actor, pk=pk).version,
    )


@national_view
@require_http_methods(["GET", "HEAD", "POST"])
def concern_raise(request, pk: int):
    actor = request.actor
    item = selectors.concern_get_national(actor=actor, pk=pk)
    initial = {"version": item.version, **date_data("raised_on", clock.today())}
    return form_page(
        request,
        RaiseForm(request.POST if request.method == "POST" else None, initial=initial),
        template="assurance/national/raise.html",
        context={"concern": item},
        save=lambda data: concern_services.concern_raise_with_employer(
            actor=actor,
            concern=item,
            version=data["version"],
            raised_with=data["raised_with"],
            summary=data["summary"],
            raised_on=data["raised_on"],
        ),
        done=lambda saved: redirect("national_assurance:concern", pk=item.pk),
        message=f"Raised with {item.programme_employer.name}",
        current_version=lambda: selectors.concern_get_national(actor=actor, pk=pk).version,
    )


@national_view
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request):
    actor = request.actor
    return form_page(
        request,
        MeetingScheduleForm(request.POST if request.method == "POST" else None),
        template="assurance/national/meeting_form.html",
        save=lambda data: meeting_services.meeting_schedule(
            actor=actor,
            employer=data["employer"],
            meeting_on=data["meeting_on"],
            submissions_due_on=data["submissions_due_on"],
            attendees=data["attendees"],
            arrangements=data["arrangements"],
            themes=data["themes"],
        ),
        done=lambda saved: redirect("national_assurance:meeting", pk=saved.pk),
        message="The meeting has been scheduled and the employer's co-ordinators told",
    )


@national_view
@require_http_methods(["GET", "HEAD", "POST"])
def meeting(request, pk: int):
    actor = request.actor
    item = selectors.meeting_get_national(actor=actor, pk=pk)
    submission = selectors.submission_for(meeting=item)
    initial = {
        "version": item.version,
        "status": item.status,
        "notes": item.notes,
        "agreed_actions": item.agreed_actions,
    }
    return form_page(
        request,
        MeetingOutcomeForm(request.POST if request.method == "POST" else None, initial=initial),
        template="assurance/national/meeting.html",
        context={
            "meeting": item,
            "submission": submission,
            "answers": selectors.answered_questions(meeting=item, submission=submission),
        },
        save=lambda data: meeting_services.meeting_record_outcome(
            actor=actor,
            meeting=item,
            version=data["version"],
            status=data["status"],
            notes=data["notes"],
            agreed_actions=data["agreed_actions"],
        ),
        done=lambda saved: redirect("national_assurance:meeting", pk=item.pk),
        message="The meeting's record has been saved",
        current_version=lambda: selectors.meeting_get_national(actor=actor, pk=pk).version,
    )


@national_view
@require_GET
def meeting_file(request, pk: int, which: str):
    item = selectors.meeting_get_national(actor=request.actor, pk=pk)
    return serve_submission_file(selectors.submission_for(meeting=item), which)
