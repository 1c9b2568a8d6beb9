"""Factories. Rows of employer-owned tables are written inside their employer's tenant context, as the
application would write them, so row-level security is exercised by the test data itself."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from asye.accounts.models import NATIONAL_ROLES, Membership, Role, User
from asye.tenancy.db import system_national_context, tenant_context
from asye.tenancy.models import Employer, EmployerType, Region


class EmployerFactory(DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Employer {n} Council")
    employer_type = EmployerType.LOCAL_AUTHORITY
    region = Region.SOUTH_EAST
    serves_child_and_family = True
    serves_adults = True
    primary_contact_name = "Pat Contact"
    primary_contact_email = factory.Sequence(lambda n: f"contact{n}@employer.example")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create and results:
            instance.save(update_fields=["password"])


class EmployerOwnedFactory(DjangoModelFactory):
    """Creates the row inside its employer's tenant context."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        employer = kwargs.get("employer")
        employer_id = employer.pk if employer is not None else kwargs.get("employer_id")
        with tenant_context(employer_id):
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    employer = factory.SubFactory(EmployerFactory)
    role = Role.ASSESSOR

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("role") in NATIONAL_ROLES:
            kwargs["employer"] = None
            with system_national_context():
                return super()._create(model_class, *args, **kwargs)
        with tenant_context(kwargs["employer"].pk):
            return super()._create(model_class, *args, **kwargs)


def person(*, role: str, employer: Employer | None = None, email: str | None = None, **user_fields) -> User:
    """A user holding one role (at ``employer`` for employer roles)."""
    user = UserFactory(**({"email": email} if email else {}), **user_fields)
    MembershipFactory(user=user, employer=employer, role=role)
    return user
