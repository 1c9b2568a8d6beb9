"""The organisers' pages (national staff, /national/forums/): every forum and its sessions, adding and
cancelling sessions, recording attendance, materials, feedback polls and their results, and the exports
of attendance and poll results (CSV and XLSX). Each runs in the audited national scope (``national_view``)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from asye import clock
from asye.tenancy.national import national_view
from asye.web.decorators import GET_ONLY, GET_OR_POST, opens, refuse_method
from asye.web.flow import form_page
from asye.web.forms import answers, posted
from asye.web.table_files import table_download
from forums import exports, national_selectors, national_services
from forums.forms import (
    AttendanceForm,
    ConfirmForm,
    ForumForm,
    MaterialForm,
    PollForm,
    SessionForm,
)
from forums.models import Forum, ForumMaterial, Poll
from portfolios.uploads import UploadSizeLimitHandler, too_large_message


@national_view
def forum_list(request):
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    forums = Forum.objects.annotate(
        upcoming=Count(
            "sessions", filter=Q(sessions__starts_at__gt=clock.now(), sessions__cancelled_at__isnull=True)
        )
    ).order_by("kind", "name")
    return render(request, "forums/national/list.html", {"forums": forums})


@national_view
@opens(national_selectors.forum_get_national, GET_ONLY, key="slug")
def forum_detail(request, forum):
    actor = request.actor
    return render(
        request,
        "forums/national/forum.html",
        {
            "forum": forum,
            "sessions": national_selectors.sessions_national(actor=actor, forum=forum)[:50],
            "materials": ForumMaterial.objects.filter(forum=forum).select_related("session"),
            "has_polls": Poll.objects.filter(session__forum=forum).exists(),
        },
    )


def _forum_form_page(request, forum):
    actor = request.actor
    initial = ForumForm.initial_for(forum) if forum else {"default_duration_minutes": 120}
    form = ForumForm(posted(request), initial=initial)
    return form_page(
        request,
        form,
        template="forums/national/forum_form.html",
        context={"forum": forum},
        save=lambda data: national_services.forum_save(
            actor=actor,
            forum=forum,
            service_area=data.get("service_area") or "",
            cohort_places=data.get("cohort_places"),
            **answers(data, "name", "kind", "summary", "audience", "default_duration_minutes"),
        ),
        done=lambda saved: redirect("national_forums:forum", slug=saved.slug),
        message="Forum saved",
    )


@national_view
def forum_add(request):
    if not_allowed := refuse_method(request, GET_OR_POST):
        return not_allowed
    return _forum_form_page(request, None)


@national_view
@opens(national_selectors.forum_get_national, GET_OR_POST, key="slug")
def forum_change(request, forum):
    return _forum_form_page(request, forum)


@national_view
@opens(national_selectors.forum_get_national, GET_OR_POST, key="slug")
def session_add(request, forum):
    actor = request.actor
    form = SessionForm(
        posted(request),
        initial={"duration_minutes": forum.default_duration_minutes, "capacity": forum.cohort_places},
    )
    return form_page(
        request,
        form,
        template="forums/national/session_form.html",
        context={"forum": forum},
        save=lambda data: national_services.session_create(
            actor=actor,
            forum=forum,
            **answers(
                data, "topic", "speaker", "starts_at", "duration_minutes", "capacity", "joining_details"
            ),
        ),
        done=lambda session: redirect("national_forums:session", pk=session.pk),
        message="Session added",
    )


@national_view
@opens(national_selectors.session_get_national, GET_OR_POST)
def session_detail(request, session):
    actor = request.actor
    signups = list(national_selectors.session_signups_national(actor=actor, session=session))
    booked = [s for s in signups if s.status == "booked"]
    form = AttendanceForm(
        posted(request),
        signups=booked,
        initial={"attended": [str(s.pk) for s in booked if s.attended]},
    )
    return form_page(
        request,
        form,
        template="forums/national/session.html",
        context={
            "session": session,
            "booked": booked,
            "waiting": [s for s in signups if s.status == "waiting"],
            "poll": Poll.objects.filter(session=session).first(),
            "started": session.starts_at <= clock.now(),
        },
        save=lambda data: national_services.attendance_record(
            actor=actor, session=session, attended={int(v) for v in data["attended"]}
        ),
        done=lambda _: redirect("national_forums:session", pk=session.pk),
        message=lambda n: f"Attendance recorded: {n} attended",
    )


@national_view
@opens(national_selectors.session_get_national, GET_OR_POST)
def session_cancel(request, session):
    actor = request.actor
    return form_page(
        request,
        ConfirmForm(posted(request)),
        template="forums/national/session_cancel.html",
        context={"session": session},
        save=lambda _: national_services.session_cancel(actor=actor, session=session),
        done=lambda _: redirect("national_forums:session", pk=session.pk),
        message="The session has been cancelled and everyone with a place has been told",
    )


@csrf_exempt
def material_add(request, slug: str):
    # The size limit must be in place before the body is read, which CSRF checking would do: the inner
    # view checks CSRF instead (as the evidence upload does).
    handler = UploadSizeLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    return _material_add(request, slug=slug, handler=handler)


@national_view
@csrf_protect
@opens(national_selectors.forum_get_national, GET_OR_POST, key="slug")
def _material_add(request, forum, handler: UploadSizeLimitHandler):
    actor = request.actor
    sessions = list(forum.sessions.order_by("-starts_at")[:30])
    form = MaterialForm(posted(request), request.FILES if request.method == "POST" else None)
    form.fields["session"] = _session_choice(sessions)
    if request.method == "POST":
        form.is_valid()
        if handler.too_large:
            form.errors.pop("file", None)
            form.add_error("file", too_large_message(handler.max_bytes))
    return form_page(
        request,
        form,
        template="forums/national/material_form.html",
        context={"forum": forum},
        save=lambda data: national_services.material_add(
            actor=actor,
            forum=forum,
            session=next((s for s in sessions if str(s.pk) == data.get("session")), None),
            title=data["title"],
            url=data.get("url") or "",
            upload=data.get("file"),
        ),
        done=lambda _: redirect("national_forums:forum", slug=forum.slug),
        message="Material added",
    )


def _session_choice(sessions):
    from django import forms

    return forms.ChoiceField(
        label="Which session is it for?",
        help_text="Leave as the whole forum for a handbook",
        required=False,
        choices=[("", "The whole forum (a handbook)")]
        + [(str(s.pk), f"{s.when}: {s.topic}") for s in sessions],
        error_messages={"invalid_choice": "Select a session from the list"},
    )


@national_view
@opens(national_selectors.session_get_national, GET_OR_POST)
def poll_add(request, session):
    actor = request.actor
    form = PollForm(posted(request), initial={"title": f"Feedback: {session.topic}"})
    return form_page(
        request,
        form,
        template="forums/national/poll_form.html",
        context={"session": session},
        save=lambda data: national_services.poll_create(
            actor=actor, session=session, title=data["title"], questions=form.questions()
        ),
        done=lambda _: redirect("national_forums:session", pk=session.pk),
        message="Poll added. People with a place can answer it once the session has started",
    )


def _poll_results(actor, session):
    """The results of the session's feedback poll (its results page and export are a 404 until it has one)."""
    poll = Poll.objects.filter(session=session).first()
    if poll is None:
        raise Http404("No poll")
    return national_selectors.poll_results(actor=actor, poll=poll)


@national_view
@opens(national_selectors.session_get_national, GET_ONLY)
def poll_results(request, session):
    return render(
        request,
        "forums/national/poll_results.html",
        {"session": session, "forum": session.forum, "results": _poll_results(request.actor, session)},
    )


@national_view
@opens(national_selectors.forum_get_national, GET_ONLY, key="slug")
def forum_results(request, forum):
    actor = request.actor
    results = national_selectors.forum_poll_results(actor=actor, forum=forum)
    return render(request, "forums/national/poll_results.html", {"forum": forum, "results": results})


@national_view
@opens(national_selectors.forum_get_national, GET_ONLY, key="slug")
def attendance_export(request, forum, fmt: str):
    return table_download(
        fmt,
        filename=f"attendance-{slugify(forum.slug)}",
        title="Attendance",
        header=exports.ATTENDANCE_COLUMNS,
        table=exports.attendance_table(national_selectors.attendance_rows(actor=request.actor, forum=forum)),
    )


@national_view
@opens(national_selectors.session_get_national, GET_ONLY)
def poll_export(request, session, fmt: str):
    return table_download(
        fmt,
        filename=f"poll-{session.pk}",
        title="Poll results",
        table=exports.poll_table(_poll_results(request.actor, session)),
    )
