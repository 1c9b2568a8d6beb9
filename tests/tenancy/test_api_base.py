"""The guarded API base refuses subclasses that could lose the employer filter."""

import pytest

from asye.accounts.models import Membership
from asye.tenancy.api import EmployerScopedViewSet


def test_a_subclass_overriding_get_queryset_is_refused():
    with pytest.raises(TypeError, match="overrides get_queryset"):

        class Leaky(EmployerScopedViewSet):
            model = Membership

            def get_queryset(self):
                return Membership.objects.all()


def test_a_subclass_overriding_get_object_is_refused():
    with pytest.raises(TypeError, match="overrides get_object"):

        class Leaky(EmployerScopedViewSet):
            model = Membership

            def get_object(self):
                return Membership.objects.first()


def test_every_registered_api_viewset_inherits_the_guarded_base():
    from asye.api.urls import router

    for _prefix, viewset, _basename in router.registry:
        assert issubclass(viewset, EmployerScopedViewSet), viewset
