"""The organisers' cohort pages (national staff, /national/forums/<slug>/cohort/): who has a place on a
course or action learning set and who is waiting, finding people the course is for by name or email,
enrolling them (or putting them on the waiting list when it is full) and withdrawing them. Each runs in
the audited national scope (``national_view``)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect

from asye.tenancy.national import national_view
from asye.web.decorators import GET_OR_POST, opens
from asye.web.flow import form_page
from asye.web.forms import posted
from forums import cohort_selectors, cohort_services, national_selectors
from forums.forms import CohortEnrolForm, CohortSearchForm, ConfirmForm


def _cohort_forum(forum):
    if forum.cohort_places is None:
        raise Http404("This forum has no cohort")
    return forum


def _enrolled_message(membership) -> str:
    name = membership.person.full_name or membership.person.email
    if membership.waiting:
        return f"{name} is on the waiting list and has been told"
    return f"{name} is enrolled and has been told"


@national_view
@opens(national_selectors.forum_get_national, GET_OR_POST, key="slug")
def cohort(request, forum):
    actor = request.actor
    _cohort_forum(forum)
    # The search that listed the people: the page's own on a GET, carried in the enrol form on a POST.
    search = CohortSearchForm(request.POST if request.method == "POST" else request.GET).values()["q"]
    candidates = cohort_selectors.cohort_candidates(actor=actor, forum=forum, search=search)
    members = list(cohort_selectors.cohort_members(actor=actor, forum=forum))
    enrolled = [m for m in members if not m.waiting]
    waiting = [m for m in members if m.waiting]
    form = CohortEnrolForm(posted(request), candidates=candidates, initial={"q": search})
    return form_page(
        request,
        form,
        template="forums/national/cohort.html",
        context={
            "forum": forum,
            "search_form": CohortSearchForm(initial={"q": search}),
            "search": search,
            "searched": len(search.strip()) >= cohort_selectors.SHORTEST_SEARCH,
            "enrolled": enrolled,
            "waiting": waiting,
            "groups": [("People with a place", enrolled), ("Waiting list", waiting)],
            "places_left": max(forum.cohort_places - len(enrolled), 0),
        },
        save=lambda data: cohort_services.cohort_enrol(
            actor=actor, forum=forum, person_id=data["person"], waiting_list=data["waiting_list"]
        ),
        done=lambda _: redirect("national_forums:cohort", slug=forum.slug),
        message=_enrolled_message,
    )


@national_view
@opens(national_selectors.forum_get_national, GET_OR_POST, key="slug")
def cohort_withdraw(request, forum, pk: int):
    actor = request.actor
    membership = cohort_selectors.cohort_member_get(actor=actor, forum=_cohort_forum(forum), pk=pk)
    if membership is None:
        raise Http404("Not on this cohort")
    name = membership.person.full_name or membership.person.email
    return form_page(
        request,
        ConfirmForm(posted(request)),
        template="forums/national/cohort_withdraw.html",
        context={"forum": forum, "membership": membership, "name": name},
        save=lambda _: cohort_services.cohort_withdraw(actor=actor, forum=forum, membership=membership),
        done=lambda _: redirect("national_forums:cohort", slug=forum.slug),
        message=lambda promoted: f"{name} has been withdrawn and told"
        + (f". {promoted.person.full_name or promoted.person.email} now has the place" if promoted else ""),
    )
