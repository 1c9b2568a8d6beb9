from django.core.paginator import Paginator
from django.shortcuts import render

from asye.accounts.models import Role
from asye.audit.selectors import audit_event_list
from asye.web.decorators import employer_view


@employer_view(Role.COORDINATOR)
def audit_list(request):
    action = request.GET.get("action", "").strip()[:100]
    object_type = request.GET.get("object_type", "").strip()[:100]
    object_id = request.GET.get("object_id", "").strip()[:64]
    events = audit_event_list(
        actor=request.actor, action=action, object_type=object_type, object_id=object_id
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {"page": page, "action": action, "object_type": object_type, "object_id": object_id},
    )
