"""Building every employer's payment statements for a month, when there are many: national staff are told
how many statements it will make and for how much, confirm, and a background job builds them
(``funding.jobs``, progress page). The statements page sends them here when building for every employer
would make more than ``settings.ASYE_STATEMENTS_JOB_THRESHOLD`` statements; fewer are built at once there.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from asye import clock
from asye.jobs.services import job_start
from asye.tenancy.national import national_view
from funding.forms import month_choices
from funding.jobs import STATEMENTS_BUILD
from funding.statement_services import statements_build_preview


class ConfirmBuildForm(forms.Form):
    """The month, and the number of statements the person was shown (so a change since is caught)."""

    month = forms.ChoiceField(widget=forms.HiddenInput)
    expected = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = month_choices(today)


def confirm_url(month: datetime.date) -> str:
    return f"{reverse('national_funding:statements_build_confirm')}?month={month.isoformat()}"


@national_view
@require_http_methods(["GET", "POST"])
def statements_build_confirm(request):
    actor = request.actor
    today = clock.today()
    offered = dict(month_choices(today))
    chosen = request.POST.get("month") if request.method == "POST" else request.GET.get("month")
    if chosen not in offered:
        messages.info(request, "Choose the month the statements pay in")
        return redirect("national_funding:statements")
    month = datetime.date.fromisoformat(chosen)
    preview = statements_build_preview(actor=actor, month=month)
    if not preview.count:
        messages.info(request, "No employer has approved claims or recoveries to pay this month")
        return redirect("national_funding:statements")
    status = 200
    if request.method == "POST":
        form = ConfirmBuildForm(request.POST, today=today)
        if form.is_valid() and form.cleaned_data["expected"] == preview.count:
            job = job_start(
                actor=actor,
                kind=STATEMENTS_BUILD,
                label=f"Payment statements for {month:%B %Y}: {preview.count} employers",
                params={"month": month.isoformat()},
                national=True,
                back_url=reverse("national_funding:statements"),
                total=preview.count,
            )
            return redirect("jobs:progress", pk=job.public_id)
        # Claims were approved or added to a statement since the page was shown: show the new figures.
        status = 409 if form.is_valid() else 400
    return render(
        request,
        "funding/national/statements_build_confirm.html",
        {
            "preview": preview,
            "changed": status == 409,
            "form": ConfirmBuildForm(
                initial={"month": month.isoformat(), "expected": preview.count}, today=today
            ),
        },
        status=status,
    )
