"""Read shapes whose fields are built once per serializer class, not once per response.

DRF builds a serializer's fields every time a serializer is made: a ``ModelSerializer`` maps each model
field to a serializer field again (``get_fields``: field kwargs, validators, choices) and deep-copies the
declared ones, for every response and for every nested serializer in it. On the API's registration read
that construction cost more than writing the values (issue #14). ``FieldsBuiltOnce`` builds a class's
readable fields once, on first use, and writes every instance through them with DRF's own loop
(``get_attribute``, ``None`` left as ``None``, then the field's ``to_representation``), so the output is
byte for byte what DRF writes.

It is for shapes that depend on the instance alone: the shared fields belong to a prototype made without
a request, so no field may read ``context`` (a nested serializer must be a ``FieldsBuiltOnce`` too, and a
method field is called on the serializer at hand, with its own context). Validating input (``data=``)
and the OpenAPI schema go through DRF's per-instance fields as before.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.db import models
from rest_framework.fields import Field, SerializerMethodField, SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.serializers import BaseSerializer, ListSerializer, ModelSerializer

from asye.api.fields import ServiceTimeField


def _look_up_again():
    """What ``_plain_attribute`` answers when DRF's own look-up must decide (callable, as a method is)."""


@functools.cache
def _is_mapping_type(cls: type) -> bool:
    """Whether DRF reads keys rather than attributes of a ``cls`` (its ``isinstance(..., Mapping)``),
    decided once per class: the ABC check, made for every field of every instance, was some 6-10% of
    writing a read."""
    return issubclass(cls, Mapping)


def _plain_attribute(instance, source_attrs: tuple[str, ...] | None):
    """The value at ``source_attrs`` as DRF's ``Field.get_attribute`` finds it, for the usual case: plain
    attributes and keys. Anything else (a field with its own look-up, a callable on the way, a missing
    attribute, a null relation) answers something callable, and the caller asks DRF."""
    if source_attrs is None:
        return _look_up_again
    try:
        for attr in source_attrs:
            if callable(instance):
                return _look_up_again
            instance = instance[attr] if _is_mapping_type(type(instance)) else getattr(instance, attr)
    except Exception:
        return _look_up_again
    return instance


# One built shape per class, kept in the class's own __dict__ (a subclass builds its own).
SHAPE_ATTRIBUTE = "_fields_built_once"


class FieldsBuiltOnce:
    """Mix in before ``serializers.Serializer``/``ModelSerializer`` for a read shape (see the module)."""

    # A model's date-times are written in the service's time zone without a look-up per value.
    serializer_field_mapping = {
        **ModelSerializer.serializer_field_mapping,
        models.DateTimeField: ServiceTimeField,
    }

    @classmethod
    def built_fields(cls) -> tuple[tuple[str, Any, str | None, tuple[str, ...]], ...]:
        """(name, field, method name for a method field, the field's source attributes) for each readable
        field, built on first use."""
        shape = cls.__dict__.get(SHAPE_ATTRIBUTE)
        if shape is None:
            prototype = cls(context={})
            shape = tuple(
                (
                    field.field_name,
                    field,
                    field.method_name if isinstance(field, SerializerMethodField) else None,
                    # Fields with a look-up of their own (related fields) always use it.
                    tuple(field.source_attrs) if type(field).get_attribute is Field.get_attribute else None,
                )
                for field in prototype._readable_fields
            )
            for name, field, _, _ in shape:
                nested = field.child if isinstance(field, ListSerializer) else field
                if isinstance(nested, BaseSerializer) and not isinstance(nested, FieldsBuiltOnce):
                    raise TypeError(
                        f"{cls.__name__}.{name}: a nested serializer of a FieldsBuiltOnce shape must be "
                        "one too, or it would be built again for every instance."
                    )
            setattr(cls, SHAPE_ATTRIBUTE, shape)  # the same on every thread: no lock needed
        return shape

    def to_representation(self, instance):
        representation = {}
        for name, field, method_name, source_attrs in self.built_fields():
            if method_name is not None:
                representation[name] = getattr(self, method_name)(instance)
                continue
            attribute = _plain_attribute(instance, source_attrs)
            if callable(attribute):  # a method, a related manager, a failure: DRF's own look-up
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            value = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            representation[name] = None if value is None else field.to_representation(attribute)
        return representation
