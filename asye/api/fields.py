"""Serializer fields for choices, shared by every app's serializers.

- ``choice_field``: a choice whose values stay inline in the schema. Registrations, reviews and claims
  each have their own ``status`` (and ``outcome``) choice sets under the same names; drf-spectacular would
  make each a named enum component, and components of one name clash. Wrapped in ``allOf`` with a
  description beside it, the enum stays where it is used.
- ``label_field``: the human label of a stored choice, looked up in a dict made once when the serializer is
  defined, instead of calling the model's ``get_FOO_display()`` (which rebuilds the field's choices as a
  dict on every call) for every row of a page.
- ``ServiceTimeField``: a date and time written in the service's time zone (``TIME_ZONE``, Europe/London),
  as DRF's ``DateTimeField`` writes it when no other zone is active (the platform activates none). DRF
  asks for the current zone once per value, a context-local look-up that was a third of writing each
  timestamp on a list page (#14); the read shapes (``FieldsBuiltOnce``) map model date-times to it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def _choice_pairs(choices) -> list[tuple[str, str]]:
    return list(getattr(choices, "choices", choices))


def choice_schema(choices, *, allow_blank: bool = False) -> dict:
    """The inline schema of a choice: its values in ``allOf``, and each value's label in the description."""
    pairs = _choice_pairs(choices)
    values = [value for value, _ in pairs] + ([""] if allow_blank else [])
    described = (
        "One of "
        + ", ".join(f"`{value}` ({label})" for value, label in pairs)
        + (", or empty." if allow_blank else ".")
    )
    # The description is a sibling of allOf, so the schema keeps the wrapper (a lone allOf is unwrapped).
    return {"allOf": [{"type": "string", "enum": values}], "description": described}


def choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A ChoiceField over ``choices`` (a TextChoices or pairs) whose enum stays inline in the schema."""
    schema = choice_schema(choices, allow_blank=kwargs.get("allow_blank", False))
    field_class = extend_schema_field(schema)(type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=_choice_pairs(choices), **kwargs)


@extend_schema_field(serializers.CharField(read_only=True))
class LabelField(serializers.Field):
    """A stored choice's label, read from ``labels`` (value: label); an unknown value is shown as itself."""

    def __init__(self, labels: dict[str, str], **kwargs):
        self.labels = labels
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.labels.get(value, value)


def label_field(choices, source: str, **kwargs) -> LabelField:
    """The label of the choice stored in ``source``, from a dict of ``choices`` made once."""
    return LabelField({value: str(label) for value, label in _choice_pairs(choices)}, source=source, **kwargs)


class ServiceTimeField(serializers.DateTimeField):
    """A date and time in the service's time zone, whatever zone a request may have activated (see the
    module): the same ISO 8601 text as DRF's ``DateTimeField`` (``Z`` for UTC, the offset otherwise)."""

    def default_timezone(self):
        return timezone.get_default_timezone() if settings.USE_TZ else None
