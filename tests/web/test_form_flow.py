"""The one form flow (``asye.web.flow.form_flow``): a valid POST runs the service once; a stale save
shows the person's own answers with the current version and 409; the service's validation errors land on
the form; success is a banner and the page's redirect; a GET runs nothing."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.test import RequestFactory

from asye.errors import Conflict
from asye.web.flow import form_flow


class NoteForm(forms.Form):
    note = forms.CharField()
    version = forms.IntegerField()


def request(method="post", data=None):
    made = getattr(RequestFactory(), method)("/somewhere/", data or {})
    made.session = {}
    made._messages = FallbackStorage(made)
    return made


def run(made, save, **more):
    form = NoteForm(made.POST if made.method == "POST" else None, initial={"version": 1})
    return form_flow(made, form, save=save, done=lambda saved: HttpResponseRedirect(f"/done/{saved}/"), **more)


def test_a_valid_post_saves_once_and_redirects_with_a_banner():
    calls = []
    made = request(data={"note": "Hello", "version": "3"})
    flow = run(made, lambda data: calls.append(data) or 7, message=lambda saved: f"Saved {saved}")
    assert calls == [{"note": "Hello", "version": 3}]
    assert flow.response["Location"] == "/done/7/" and flow.saved == 7
    assert [str(m) for m in get_messages(made)] == ["Saved 7"]


def test_a_get_or_an_invalid_form_runs_nothing():
    def never(_data):
        raise AssertionError("the service ran")

    assert run(request("get"), never).response is None
    flow = run(request(data={"version": "1"}), never)
    assert flow.response is None and flow.status == 200 and "note" in flow.form.errors


def test_a_stale_save_keeps_the_answers_with_the_current_version_and_is_a_409():
    def stale(_data):
        raise Conflict("Someone else changed this since you opened it")

    flow = run(request(data={"note": "My words", "version": "1"}), stale, current_version=lambda: 5)
    assert flow.status == 409 and flow.conflict.startswith("Someone else")
    assert flow.form.data["note"] == "My words" and flow.form.data["version"] == "5"
    assert flow.form.is_valid() and flow.response is None


def test_a_conflict_without_a_version_to_read_is_shown_on_the_form():
    def busy(_data):
        raise Conflict("It was already submitted")

    flow = run(request(data={"note": "x", "version": "1"}), busy)
    assert flow.status == 409 and flow.form.non_field_errors() == ["It was already submitted"]


def test_the_services_validation_errors_are_put_on_the_form():
    def refuse(_data):
        raise ValidationError({"note": ["Write less"], "elsewhere": ["Not now"]})

    flow = run(request(data={"note": "x", "version": "1"}), refuse)
    assert flow.response is None and flow.status == 200
    assert flow.form.errors["note"] == ["Write less"]
    assert flow.form.non_field_errors() == ["Not now"]
