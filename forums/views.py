"""The pages of people who take part in the national forums: the forums for them, a forum, a session
(with booking and cancelling), joining GEMS or a course, a session's poll, a material's download, "My
forums and CPD", and the co-ordinator's counts of their own people.

Open to anyone signed in (an NQSW whose programme has ended keeps their place); what each person sees
is decided by ``forums.selectors`` (a forum not for their role is a 404)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from asye.accounts.models import Role
from asye.web.decorators import GET_ONLY, GET_OR_POST, employer_view, opens, refuse_method, signed_in_view
from asye.web.flow import form_page
from asye.web.forms import posted
from forums import selectors, services
from forums.forms import ConfirmForm, JoinForm, poll_answer_form
from forums.models import ForumKind, ForumMaterial, PollQuestion, SignupStatus
from portfolios.evidence_downloads import stored_file_response


@signed_in_view
def forum_list(request):
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    actor = request.actor
    return render(
        request,
        "forums/list.html",
        {
            "items": selectors.forum_list(actor=actor),
            "signups": list(selectors.my_signups(actor=actor)[:20]),
            "is_coordinator": Role.COORDINATOR in actor.roles,
        },
    )


@signed_in_view
@opens(selectors.forum_get, GET_ONLY, key="slug")
def forum_detail(request, forum):
    actor = request.actor
    upcoming, past = selectors.forum_sessions(forum=forum)
    return render(
        request,
        "forums/forum.html",
        {
            "forum": forum,
            "upcoming": upcoming,
            "past": past[:12],
            "joined": forum.pk in selectors.memberships_of(actor),
            "handbooks": ForumMaterial.objects.filter(forum=forum, session__isnull=True),
            "is_gems": forum.kind == ForumKind.GEMS,
        },
    )


@signed_in_view
@opens(selectors.forum_get, GET_OR_POST, key="slug")
def forum_join(request, forum):
    actor = request.actor
    if not forum.has_membership:
        raise Http404("This forum has no membership")
    form = JoinForm(posted(request), self_identified=forum.self_identified)
    return form_page(
        request,
        form,
        template="forums/join.html",
        context={"forum": forum, "joined": forum.pk in selectors.memberships_of(actor)},
        save=lambda data: services.membership_join(
            actor=actor, forum=forum, self_identified=bool(data.get("self_identified"))
        ),
        done=lambda _: redirect("forums:forum", slug=forum.slug),
        message=f"You have joined {forum.name}",
    )


@signed_in_view
@opens(selectors.forum_get, GET_OR_POST, key="slug")
def forum_leave(request, forum):
    actor = request.actor
    if forum.pk not in selectors.memberships_of(actor):
        raise Http404("Not a member")
    return form_page(
        request,
        ConfirmForm(posted(request)),
        template="forums/leave.html",
        context={"forum": forum},
        save=lambda _: services.membership_leave(actor=actor, forum=forum),
        done=lambda _: redirect("forums:forum", slug=forum.slug),
        message=f"You have left {forum.name}",
    )


@signed_in_view
@opens(selectors.session_get, GET_ONLY)
def session_detail(request, session):
    actor = request.actor
    return render(
        request, "forums/session.html", {"view": selectors.session_view(actor=actor, session=session)}
    )


def _signup_message(signup) -> str:
    if signup.status == SignupStatus.WAITING:
        return "The session is full: you are on the waiting list. We will tell you if a place comes free"
    return "Your place is booked. The joining details are on this page"


@signed_in_view
@opens(selectors.session_get, GET_OR_POST)
def session_sign_up(request, session):
    actor = request.actor
    return form_page(
        request,
        ConfirmForm(posted(request)),
        template="forums/sign_up.html",
        context={"view": selectors.session_view(actor=actor, session=session)},
        save=lambda _: services.signup_create(actor=actor, session=session),
        done=lambda _: redirect("forums:session", pk=session.pk),
        message=_signup_message,
    )


@signed_in_view
@opens(selectors.session_get, GET_OR_POST)
def session_cancel(request, session):
    actor = request.actor
    view = selectors.session_view(actor=actor, session=session)
    if view.signup is None:
        return redirect("forums:session", pk=session.pk)
    return form_page(
        request,
        ConfirmForm(posted(request)),
        template="forums/cancel.html",
        context={"view": view},
        save=lambda _: services.signup_cancel(actor=actor, session=session),
        done=lambda _: redirect("forums:session", pk=session.pk),
        message="Your place has been cancelled",
    )


@signed_in_view
@opens(selectors.session_get, GET_OR_POST)
def session_poll(request, session):
    actor = request.actor
    view = selectors.session_view(actor=actor, session=session)
    if view.poll is None:
        raise Http404("This session has no poll")
    questions = list(PollQuestion.objects.filter(poll=view.poll))
    form = poll_answer_form(questions, posted(request))
    return form_page(
        request,
        form,
        template="forums/poll.html",
        context={"view": view, "questions": questions},
        save=lambda data: services.poll_answer(
            actor=actor, poll=view.poll, answers={q.pk: data.get(f"q{q.pk}") for q in questions}
        ),
        done=lambda _: redirect("forums:session", pk=session.pk),
        message="Thank you: your answers have been saved, without your name",
    )


@signed_in_view
def material_download(request, pk: int):
    """A file of a forum the person may see, as an attachment."""
    actor = request.actor
    material = get_object_or_404(
        ForumMaterial.objects.filter(forum__in=selectors.forums_for(actor)).exclude(storage_name=""), pk=pk
    )
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return stored_file_response(material, label="Forum material")


@signed_in_view
def my_cpd(request):
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return render(request, "forums/cpd.html", {"record": selectors.cpd_record(actor=request.actor)})


@employer_view(Role.COORDINATOR)
def employer_attendance(request):
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return render(
        request,
        "forums/employer_attendance.html",
        {"counts": selectors.employer_attendance_counts(actor=request.actor)},
    )
