"""The co-ordinator's pages, end to end over HTTP: open this year's evaluation (with GOV.UK errors for a
bad date), self-assess theme by theme, invite people on the platform and others, see counts (never who
answered), close it; other roles are refused; national staff's composite is theirs alone."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from asye.notifications.models import OutboxEmail
from asye.tenancy.db import tenant_context
from evaluations.models import EvaluationCycle, EvaluationInvitation
from tests.evaluations.helpers import answers, open_cycle
from tests.today import TODAY

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_coordinator_runs_a_cycle(login, employer_a):
    client = login(employer_a.coordinator, employer_a.employer)
    overview = client.get(reverse("evaluations:overview"))
    assert overview.status_code == 200 and "Open the evaluation for" in _text(overview)
    bad = client.post(reverse("evaluations:open"), {"closes_on_day": "31", "closes_on_month": "2"})
    assert bad.status_code == 200 and "govuk-error-summary" in _text(bad)
    past = client.post(reverse("evaluations:open"), _date("closes_on", TODAY - datetime.timedelta(days=1)))
    assert "The closing date must be in the future" in _text(past)
    opened = client.post(reverse("evaluations:open"), _date("closes_on", TODAY + datetime.timedelta(days=40)))
    assert opened.status_code == 302
    with tenant_context(employer_a.employer.pk):
        cycle = EvaluationCycle.objects.get()
    page = client.get(reverse("evaluations:cycle", args=[cycle.pk]))
    assert "0 of 8 answered" in _text(page)

    url = reverse("evaluations:self_assessment", args=[cycle.pk, 1])
    missing = client.post(url, {"statement_1": "4", "version": ""})
    assert "Select a rating for statement 2" in _text(missing)
    given = {f"statement_{n}": "4" for n in range(1, 9)} | {"statement_8": "dont_know", "version": ""}
    saved = client.post(url, given)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("evaluations:self_assessment", args=[cycle.pk, 2])
    assert "checked" in client.get(url).content.decode()
    # A stale save (another tab saved first) is refused with 409 and the person's answers kept.
    assert client.post(url, {**given, "version": "1"}).status_code == 302
    stale = client.post(url, {**given, "version": "1"})
    assert stale.status_code == 409
    assert client.get(reverse("evaluations:self_assessment", args=[cycle.pk, 9])).status_code == 404

    invite_url = reverse("evaluations:invite", args=[cycle.pk])
    form = client.get(invite_url)
    assert employer_a.nqsw.email in _text(form) or "(NQSWs)" in _text(form)
    nothing = client.post(invite_url, {})
    assert "Select someone to invite or enter an email address" in _text(nothing)
    not_address = client.post(invite_url, {"emails": "not-an-address", "email_type": "other"})
    assert "is not an email address" in _text(not_address)
    no_type = client.post(invite_url, {"emails": "a@partner.example"})
    assert "Select who the people you entered are" in _text(no_type)
    sent = client.post(
        invite_url,
        {
            "people": [f"nqsw:{employer_a.nqsw.pk}", f"assessor:{employer_a.assessor.pk}"],
            "emails": "a@partner.example\nB@partner.example, a@partner.example",
            "email_type": "other",
        },
    )
    assert sent.status_code == 302
    with tenant_context(employer_a.employer.pk):
        invitations = EvaluationInvitation.objects.filter(cycle=cycle)
        assert sorted(invitations.values_list("respondent_type", flat=True)) == [
            "assessor",
            "nqsw",
            "other",
            "other",
        ]
        assert OutboxEmail.objects.filter(kind="evaluation_invitation").count() == 4
    again = client.post(invite_url, {"emails": "a@partner.example", "email_type": "other"}, follow=True)
    assert "Everyone you selected had already been invited" in _text(again)

    page = _text(client.get(reverse("evaluations:cycle", args=[cycle.pk])))
    assert "a@partner.example" in page and "used" not in page.lower().split("who you have invited")[-1]

    close_url = reverse("evaluations:close", args=[cycle.pk])
    assert client.get(close_url).status_code == 200
    closed = client.post(close_url, {"version": str(cycle.version)})
    assert closed.status_code == 302
    with tenant_context(employer_a.employer.pk):
        assert EvaluationCycle.objects.get().closed_on == TODAY
    assert client.get(reverse("evaluations:report", args=[cycle.pk])).status_code == 200
    # Closed: no more answers or invitations.
    assert client.get(invite_url).status_code == 302
    assert client.post(url, given).status_code == 302


def test_one_cycle_a_year(login, employer_a):
    open_cycle(employer_a)
    client = login(employer_a.coordinator, employer_a.employer)
    assert "Open the evaluation for" not in _text(client.get(reverse("evaluations:overview")))
    again = client.post(reverse("evaluations:open"), _date("closes_on", TODAY + datetime.timedelta(days=10)))
    assert "You have already opened the 360 evaluation" in _text(again)


def test_only_coordinators_and_national_staff(login, employer_a, national_staff):
    cycle = open_cycle(employer_a)
    for user in (employer_a.assessor, employer_a.nqsw, employer_a.line_manager):
        client = login(user, employer_a.employer)
        assert client.get(reverse("evaluations:overview")).status_code == 403
        assert client.get(reverse("evaluations:cycle", args=[cycle.pk])).status_code == 403
        assert client.get(reverse("national_evaluations:composite")).status_code == 403
    client = login(employer_a.coordinator, employer_a.employer)
    assert client.get(reverse("national_evaluations:composite")).status_code == 403
    assert client.get(reverse("national_evaluations:composite_export", args=[2023, "csv"])).status_code == 403
    national = login(national_staff)
    assert national.get(reverse("national_evaluations:composite")).status_code == 200
    assert (
        national.get(reverse("national_evaluations:composite_export", args=[2023, "pdf"])).status_code == 404
    )
    assert (
        national.get(reverse("national_evaluations:composite_export", args=[1999, "csv"])).status_code == 404
    )


def test_navigation(login, employer_a, national_staff):
    from evaluations.navigation import nav_items
    from tests.programmes.conftest import actor_for

    assert [item["label"] for item in nav_items(actor_for(employer_a.coordinator, employer_a.employer))] == [
        "360 evaluation"
    ]
    assert nav_items(actor_for(employer_a.nqsw, employer_a.employer)) == []
    assert answers()[33] == "3"
