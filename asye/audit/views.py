"""The co-ordinator's audit trail (``/audit/``): each event as a sentence with its changes in words,
filtered by who acted, the kind of record and the days; the raw events stay in the API."""

from django.core.paginator import Paginator
from django.shortcuts import render

from asye.accounts.models import Role
from asye.audit.forms import AuditFilterForm
from asye.audit.readable import kind_choices, readable
from asye.audit.selectors import audit_event_list, audit_kinds
from asye.web.decorators import employer_view


def audit_page_context(request, events, form) -> dict:
    """What both trails' pages show: the page of events in words, the filter form and its query."""
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    chosen = {name: request.GET[name] for name in form.fields if request.GET.get(name, "").strip()}
    return {
        "page": page,
        "events": [readable(event) for event in page.object_list],
        "form": form,
        "filtered": bool(chosen),
    }


@employer_view(Role.COORDINATOR)
def audit_list(request):
    actor = request.actor
    action = request.GET.get("action", "").strip()[:100]
    object_type = request.GET.get("object_type", "").strip()[:100]
    object_id = request.GET.get("object_id", "").strip()[:64]
    form = AuditFilterForm(request.GET, kinds=kind_choices(audit_kinds(actor=actor)))
    events = audit_event_list(
        actor=actor, action=action, object_type=object_type, object_id=object_id, filters=form.values()
    )
    return render(
        request,
        "audit/list.html",
        {
            **audit_page_context(request, events, form),
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
        },
    )
