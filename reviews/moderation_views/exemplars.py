"""The exemplars library under /national/moderation/: national staff write, change and publish
exemplars; moderators read them."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from asye.accounts.models import Role
from asye.tenancy.national import national_view
from asye.web.flow import Latest, form_flow, form_page
from reviews.forms import VersionedForm
from reviews.models import Exemplar
from reviews.moderation_forms import ExemplarForm
from reviews.moderation_selectors import exemplar_get_national, exemplar_list_national
from reviews.moderation_services import exemplars as exemplar_services
from reviews.moderation_views.statuses import refused_status

LIBRARY_READERS = (Role.NATIONAL_STAFF, Role.NQAP_MODERATOR)


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
        publish = request.POST.get("action") == "publish"
        flow = form_flow(
            request,
            VersionedForm(request.POST),
            save=lambda data: exemplar_services.exemplar_set_published(
                actor=actor, exemplar=exemplar, published=publish, version=data["version"]
            ),
            done=lambda _saved: redirect("moderation:exemplar", pk=pk),
            message="Exemplar published" if publish else "Exemplar withdrawn to draft",
        )
        if flow.response:
            return flow.response
        conflict, status = flow.conflict, refused_status(request, flow)
        if conflict:
            exemplar = exemplar_get_national(actor=actor, pk=pk)
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
        initial = model_to_dict(
            exemplar, ("title", "service_area", "statement", "extract", "annotation", "version")
        )

    def save(data) -> Exemplar:
        values = {
            "title": data["title"],
            "service_area": data["service_area"],
            "statement_id": data["statement"],
            "extract": data["extract"],
            "annotation": data["annotation"],
        }
        if exemplar is None:
            return exemplar_services.exemplar_create(actor=actor, **values)
        return exemplar_services.exemplar_update(
            actor=actor, exemplar=exemplar, version=data["version"] or 0, **values
        )

    latest = Latest(lambda: exemplar_get_national(actor=actor, pk=exemplar.pk))
    return form_page(
        request,
        ExemplarForm(request.POST or None, initial=initial),
        template="reviews/moderation/exemplar_form.html",
        context=lambda _flow: {"exemplar": exemplar, "saved": latest.record},
        status=partial(refused_status, request),
        save=save,
        done=lambda saved: redirect("moderation:exemplar", pk=saved.pk),
        message="Exemplar saved",
        current_version=latest.version,
    )


@national_view
@require_http_methods(["GET", "POST"])
def exemplar_create(request):
    return _exemplar_form_page(request, exemplar=None)


@national_view
@require_http_methods(["GET", "POST"])
def exemplar_edit(request, pk: int):
    return _exemplar_form_page(request, exemplar=exemplar_get_national(actor=request.actor, pk=pk))
