"""Isolation through the body, not only the address (#12 finding 2): every form field and API field that
names an object (a person, a registration, a piece of evidence, a claim, an employer...) is sent with
another employer's value, and nothing is created or changed (a 404 or a validation error).

``tests/test_isolation.py`` varies the id in the address; this suite varies the ids in the body. It is a
table (``tests/security/test_isolation_fields_table.py``): ``CASES`` maps each such field (``module.Form``/``module.Serializer`` and the field's name) to the
attempts that exercise it; ``EXEMPT`` gives the reason a field is not an employer's object. The first test
finds every such field in the code (declared model choices, integer choices and hidden ids, API integer
ids, and choices built from objects' ids in a form's ``__init__``), so a new one fails the build until it
is in the table: isolation is decided when the field is added, not remembered later.

Each attempt is also made with the actor's own employer's value, which must work (a redirect or a 201 and a
change in the database): the refusal is the field's, not a body that was wrong anyway.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from rest_framework import serializers

from tests.security.test_isolation_fields_table import (
    CASES,
    EXEMPT,
    Attempt,
    _date,
    _problem_fields,
    _registration,
)
from tests.today import TODAY

pytestmark = pytest.mark.django_db

FORM_APPS = (
    "programmes",
    "portfolios",
    "reviews",
    "funding",
    "forums",
    "evaluations",
    "surveys",
    "assurance",
    "reporting",
    "equality",
    "asye.accounts",
    "asye.web",
)
# Integer fields that are not ids: versions (optimistic locking) and plain numbers.
NOT_IDS = {"version", "panel_version", "recommendation_version"}


# --- Finding every field that names an object ------------------------------------------------------------


def _modules():
    for app in FORM_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.iter_modules(package.__path__):
            if "form" in info.name or "serializer" in info.name:
                yield importlib.import_module(f"{app}.{info.name}")


def _declared(cls) -> set[str]:
    """Fields declared on the class that name an object by id."""
    names = set()
    if issubclass(cls, forms.BaseForm):
        for name, f in cls.base_fields.items():
            if name in NOT_IDS:
                continue
            if isinstance(f, forms.ModelChoiceField):
                names.add(name)
            elif isinstance(f, forms.TypedChoiceField | forms.TypedMultipleChoiceField) and f.coerce is int:
                names.add(name)
            elif isinstance(f, forms.IntegerField) and isinstance(f.widget, forms.HiddenInput):
                names.add(name)
    elif issubclass(cls, serializers.BaseSerializer) and hasattr(cls, "_declared_fields"):
        for name, f in cls._declared_fields.items():
            if name in NOT_IDS or getattr(f, "read_only", False):
                continue
            if isinstance(f, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
                names.add(name)
    return names


def _choices_from_ids(cls) -> set[str]:
    """Fields whose choices a form builds in its methods from objects' ids (``(obj.pk, label)``)."""
    try:
        tree = ast.parse(inspect.getsource(cls))
    except (OSError, TypeError):
        return set()
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            # self.fields["x"].choices = ...  or  self.fields["x"] = forms.Field(choices=...)
            subscript = target.value if isinstance(target, ast.Attribute) else target
            if not (
                isinstance(subscript, ast.Subscript)
                and isinstance(subscript.value, ast.Attribute)
                and subscript.value.attr == "fields"
            ):
                continue
            if isinstance(target, ast.Attribute) and target.attr != "choices":
                continue
            if _mentions_ids(node.value):
                key = subscript.slice
                names.add(key.value if isinstance(key, ast.Constant) else "<named at run time>")
    return names


def _mentions_ids(expression: ast.AST) -> bool:
    """The expression reads objects' ids: ``obj.pk`` or a name ``pk``."""
    return any(
        (isinstance(node, ast.Attribute) and node.attr == "pk")
        or (isinstance(node, ast.Name) and node.id == "pk")
        for node in ast.walk(expression)
    )


def fields_naming_objects() -> set[tuple[str, str]]:
    found = set()
    for module in _modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            if not issubclass(cls, forms.BaseForm | serializers.BaseSerializer):
                continue
            for field_name in _declared(cls) | _choices_from_ids(cls):
                found.add((f"{module.__name__}.{name}", field_name))
    return found


# --- What the database holds -----------------------------------------------------------------------------

SNAPSHOT_APPS = ("programmes", "portfolios", "reviews", "funding", "forums", "equality", "accounts", "audit")
SKIP_MODELS = {"accounts.user"}  # sign-in updates last_login; people are not what these forms change


def world(unscoped) -> dict[str, dict]:
    """Every row of the domain and of memberships, invitations and the audit trail, by model and id."""
    rows = {}
    with unscoped():
        for config in apps.get_app_configs():
            if config.label not in SNAPSHOT_APPS:
                continue
            for model in config.get_models():
                if model._meta.label_lower in SKIP_MODELS or not model._meta.managed:
                    continue
                columns = [f.attname for f in model._meta.concrete_fields]
                rows[model._meta.label_lower] = {
                    row[0]: dict(zip(["pk", *columns], row, strict=True))
                    for row in model.objects.values_list("pk", *columns)
                }
    return rows


def test_every_field_naming_an_object_is_in_the_table():
    found = fields_naming_objects()
    unlisted = sorted(found - set(CASES) - set(EXEMPT))
    assert unlisted == [], "Add these fields to CASES (or EXEMPT, with the reason)"
    stale = sorted((set(CASES) | set(EXEMPT)) - found)
    assert stale == [], "These fields no longer exist: remove them from the table"


ATTEMPTS = [(key, index) for key, setups in CASES.items() for index in range(len(setups))]


def _send(client, attempt: Attempt, value):
    data = attempt.body(value)
    if attempt.api:
        return client.post(attempt.url, json.dumps(data), content_type="application/json")
    return client.post(attempt.url, data)


@pytest.mark.parametrize(
    ("key", "index"), ATTEMPTS, ids=[f"{k[0].rsplit('.', 1)[1]}.{k[1]}-{i}" for k, i in ATTEMPTS]
)
def test_another_employers_id_in_a_field_changes_nothing(
    key, index, client, login, employer_a, employer_b, unscoped
):
    attempt = CASES[key][index](employer_a, employer_b, unscoped)
    login(attempt.user, attempt.employer)
    before = world(unscoped)
    response = _send(client, attempt, attempt.theirs)
    body = response.content.decode()
    if attempt.api:
        refused = response.status_code == 404 or (
            response.status_code == 400 and key[1] in _problem_fields(response)
        )
    else:
        refused = response.status_code == 404 or (
            response.status_code in (200, 400) and "govuk-error-summary" in body
        )
    assert refused, (response.status_code, body[:1500])
    assert world(unscoped) == before, "another employer's id changed something"
    if "refused" in attempt.extra:
        assert attempt.extra["refused"](client)
    # The same request with the actor's own employer's object works: the field, not the body, refused it.
    response = _send(client, attempt, attempt.ours)
    if attempt.worked is not None:
        assert attempt.worked(client, response), (response.status_code, response.content.decode()[:1500])
    else:
        assert response.status_code in (201, 302), (response.status_code, response.content.decode()[:1500])
        assert world(unscoped) != before


def test_a_transfer_naming_another_employer_writes_nothing_of_theirs(
    client, login, employer_a, employer_b, unscoped
):
    """The transfer's target names another employer by design: the request is A's row (B can read it and
    answer it), and nothing of B's is created or changed until B's co-ordinator accepts."""
    from programmes.models import RegistrationTransfer

    registration = _registration(employer_a, "SW9100011")

    def b_rows():
        rows = world(unscoped)
        rows.pop("audit.auditevent")  # B's trail records the incoming request, as it should
        return {
            label: {pk: row for pk, row in by_pk.items() if row.get("employer_id") == employer_b.employer.pk}
            for label, by_pk in rows.items()
        }

    before = b_rows()
    login(employer_a.coordinator)
    url = reverse("programmes:transfer", args=[registration.pk])
    data = {"to_employer": employer_b.employer.pk, **_date("on", TODAY), "version": registration.version}
    assert client.post(url, {**data, "confirm": "yes"}).status_code == 302
    assert b_rows() == before
    with unscoped():
        request = RegistrationTransfer.objects.get(registration=registration)
    assert (request.employer_id, request.to_employer_id) == (employer_a.employer.pk, employer_b.employer.pk)
    # Naming the sender's own employer is refused.
    again = client.post(url, {**data, "to_employer": employer_a.employer.pk, "confirm": "yes"})
    assert "Select the employer the NQSW is moving to" in again.content.decode()
