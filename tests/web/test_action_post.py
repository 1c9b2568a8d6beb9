"""A page of several forms (``asye.web.actions.action_post``): the POST's ``action`` picks the one form that
runs; an action the page does not offer is the page again at 400 with nothing run; a valid form saves once
and redirects with the banner its save returned; an invalid one comes back under its own name. And
``asye.web.forms.answers``: the cleaned answers a service takes, without a date input's boxes; and
``TickedRowsForm``: a bulk form's rows, only the whole numbers posted, or every row with scope "all"."""

from __future__ import annotations

import datetime
from unittest.mock import Mock

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.test import RequestFactory

from asye.web.actions import action_post
from asye.web.dates import DateInput, DateInputsMixin
from asye.web.forms import TickedRowsForm, answers


class VoidForm(forms.Form):
    reason = forms.CharField()


class PayForm(forms.Form):
    reference = forms.CharField()


def posted(data):
    made = RequestFactory().post("/statement/", data)
    made.session = {}
    made._messages = FallbackStorage(made)
    return made


def post(made, calls):
    def page(status=200, **bound):
        calls.append(("page", status, sorted(bound)))
        return HttpResponse(status=status)

    actions = {
        "void": ("void_form", VoidForm, lambda data: calls.append(("void", data)) or "Voided"),
        "pay": ("pay_form", PayForm, lambda data: calls.append(("pay", data)) or "Paid"),
    }
    return action_post(made, actions, page=page, done=lambda action: HttpResponseRedirect(f"/done/{action}/"))


def test_the_action_named_runs_its_form_once_and_redirects_with_its_banner():
    calls = []
    made = posted({"action": "pay", "reference": "BACS-1"})
    response = post(made, calls)
    assert calls == [("pay", {"reference": "BACS-1"})]
    assert response.status_code == 302 and response["Location"] == "/done/pay/"
    assert [str(m) for m in get_messages(made)] == ["Paid"]


def test_an_action_not_offered_is_the_page_at_400_and_runs_nothing():
    for data in ({"action": "delete", "reason": "x"}, {"reason": "x"}):
        calls = []
        response = post(posted(data), calls)
        assert response.status_code == 400
        assert calls == [("page", 400, [])]


def test_an_invalid_form_comes_back_under_its_own_name():
    calls = []
    response = post(posted({"action": "void", "reason": ""}), calls)
    assert response.status_code == 200
    assert calls == [("page", 200, ["void_form"])]


class DatedForm(DateInputsMixin, forms.Form):
    date_inputs = (
        DateInput(name="paid_on", legend="Paid on", subject="The date", required_message="Enter it"),
    )
    note = forms.CharField()


def test_answers_are_the_names_asked_for_without_the_date_boxes():
    form = DatedForm({"paid_on_day": "4", "paid_on_month": "12", "paid_on_year": "2026", "note": "ok"})
    assert form.is_valid(), form.errors
    assert answers(form.cleaned_data, "paid_on", "note") == {
        "paid_on": datetime.date(2026, 12, 4),
        "note": "ok",
    }


class PickForm(TickedRowsForm):
    ticked = "claims"
    claims = forms.TypedMultipleChoiceField(coerce=int, required=False)


def test_ticked_rows_are_the_whole_numbers_posted_or_every_row():
    ticked = PickForm(QueryDict("claims=3&claims=12"))
    assert ticked.is_valid(), ticked.errors
    queue = Mock()
    assert ticked.narrowed(queue) is queue.filter.return_value
    queue.filter.assert_called_once_with(pk__in=[3, 12])

    edited = PickForm(QueryDict("claims=3&claims=x1"))
    assert not edited.is_valid() and "claims" in edited.errors

    nothing = PickForm(QueryDict(""))
    assert nothing.is_valid() and nothing.narrowed(Mock()) is None

    every = PickForm(QueryDict("scope=all&claims=3"))
    queue = Mock()
    assert every.is_valid() and every.narrowed(queue) is queue
    queue.filter.assert_not_called()
