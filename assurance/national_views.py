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
from asye.web.decorators import GET_ONLY, opens
from asye.web.flow import form_page
from asye.web.forms import answers, posted


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
@opens(selectors.concern_get_national)
def concern(request, item):
    actor = request.actor
    initial = {"version": item.version, "status": item.status, **date_data("taken_on", clock.today())}
    return form_page(
        request,
        ConcernActionForm(posted(request), initial=initial),
        template="assurance/national/concern.html",
        context=lambda flow: {
            "concern": item,
            "actions": selectors.concern_actions_national(actor=actor, concern=item),
        },
        save=lambda data: concern_services.concern_action_record(
            actor=actor,
            concern=item,
            **answers(data, "version", "taken_on", "description", "shared_with_nqsw", "status"),
        ),
        done=lambda saved: redirect("national_assurance:concern", pk=item.pk),
        message="The action has been recorded",
        current_version=lambda: selectors.concern_get_national(actor=actor, pk=item.pk).version,
    )


@national_view
@opens(selectors.concern_get_national)
def concern_raise(request, item):
    actor = request.actor
    initial = {"version": item.version, **date_data("raised_on", clock.today())}
    return form_page(
        request,
        RaiseForm(posted(request), initial=initial),
        template="assurance/national/raise.html",
        context={"concern": item},
        save=lambda data: concern_services.concern_raise_with_employer(
            actor=actor, concern=item, **answers(data, "version", "raised_with", "summary", "raised_on")
        ),
        done=lambda saved: redirect("national_assurance:concern", pk=item.pk),
        message=f"Raised with {item.programme_employer.name}",
        current_version=lambda: selectors.concern_get_national(actor=actor, pk=item.pk).version,
    )


@national_view
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request):
    actor = request.actor
    return form_page(
        request,
        MeetingScheduleForm(posted(request)),
        template="assurance/national/meeting_form.html",
        save=lambda data: meeting_services.meeting_schedule(
            actor=actor,
            **answers(
                data, "employer", "meeting_on", "submissions_due_on", "attendees", "arrangements", "themes"
            ),
        ),
        done=lambda saved: redirect("national_assurance:meeting", pk=saved.pk),
        message="The meeting has been scheduled and the employer's co-ordinators told",
    )


@national_view
@opens(selectors.meeting_get_national)
def meeting(request, item):
    actor = request.actor
    submission = selectors.submission_for(meeting=item)
    initial = {
        "version": item.version,
        "status": item.status,
        "notes": item.notes,
        "agreed_actions": item.agreed_actions,
    }
    return form_page(
        request,
        MeetingOutcomeForm(posted(request), initial=initial),
        template="assurance/national/meeting.html",
        context={
            "meeting": item,
            "submission": submission,
            "answers": selectors.answered_questions(meeting=item, submission=submission),
        },
        save=lambda data: meeting_services.meeting_record_outcome(
            actor=actor, meeting=item, **answers(data, "version", "status", "notes", "agreed_actions")
        ),
        done=lambda saved: redirect("national_assurance:meeting", pk=item.pk),
        message="The meeting's record has been saved",
        current_version=lambda: selectors.meeting_get_national(actor=actor, pk=item.pk).version,
    )


@national_view
@opens(selectors.meeting_get_national, GET_ONLY)
def meeting_file(request, item, which: str):
    return serve_submission_file(selectors.submission_for(meeting=item), which)
