"""The notification centre (``/notifications/``): a person's own notifications, mark one or all read, and
how often they are emailed. Any signed-in person, national staff included; someone else's notification is
a 404 (the selector decides, in the query)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from asye.notifications import selectors, services
from asye.notifications.forms import PreferenceForm
from asye.web.decorators import POST_ONLY, refuse_method, signed_in_view
from asye.web.flow import form_page

PAGE_SIZE = 25


@signed_in_view
def notification_list(request):
    actor = request.actor
    show = "unread" if request.GET.get("show") == "unread" else "all"
    rows = selectors.notification_list(actor=actor)
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "show": show, "unread": selectors.unread_count(actor=actor)},
    )


@signed_in_view
def notification_read(request, pk: int):
    notification = selectors.notification_get(actor=request.actor, pk=pk)
    if refused := refuse_method(request, POST_ONLY):
        return refused
    services.notification_mark_read(actor=request.actor, notification=notification)
    if request.POST.get("go") and _safe(notification.link):
        return redirect(notification.link)
    messages.success(request, "Notification marked as read")
    return redirect("notifications:list")


@signed_in_view
def notification_read_all(request):
    if refused := refuse_method(request, POST_ONLY):
        return refused
    count = services.notification_mark_all_read(actor=request.actor)
    messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked as read")
    return redirect("notifications:list")


@signed_in_view
def notification_preferences(request):
    actor = request.actor
    form = PreferenceForm(
        request.POST or None, initial={"email_frequency": selectors.notification_preference(actor=actor)}
    )
    return form_page(
        request,
        form,
        template="notifications/preferences.html",
        save=lambda data: services.notification_preference_set(
            actor=actor, email_frequency=data["email_frequency"]
        ),
        done=lambda saved: redirect("notifications:list"),
        message="Your email choice has been saved",
    )


def _safe(link: str) -> bool:
    return bool(link) and url_has_allowed_host_and_scheme(link, allowed_hosts=None) and link.startswith("/")
