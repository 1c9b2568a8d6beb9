"""Every fixture set has two employers, A and B, each with a person in each role.

Alice is A's co-ordinator, Bob A's assessor, Charlie B's co-ordinator (no access to A).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command

from asye.accounts.models import Role, User
from asye.tenancy.db import system_national_context, tenant_settings
from asye.tenancy.models import Employer, EmployerType, Region
from tests.browser.fixtures import (  # noqa: F401  (fixtures and a report hook for browser tests anywhere)
    axe_check_fixture,
    browser,
    new_context,
    page,
    pytest_runtest_makereport,
    sign_in_fixture,
)
from tests.factories import EmployerFactory, person
from tests.reference_calendar import align_reference_data, load_reference_data
from tests.today import NOW, TODAY

_frozen: time_machine.travel | None = None
_coordinates = None


def pytest_configure(config):
    """Freeze the clock at noon on the run's day before any test module is imported, so that module-level
    dates, fixtures and the platform itself all agree on what today is."""
    global _frozen, _coordinates
    _frozen = time_machine.travel(NOW, tick=True)
    _coordinates = _frozen.start()


def pytest_unconfigure(config):
    if _frozen is not None:
        _frozen.stop()


def pytest_report_header(config):
    return f"tests run as if today were {TODAY:%A %-d %B %Y} (ASYE_TEST_TODAY, scripts/test --today)"


def pytest_runtest_setup(item):
    """Each test starts at noon on the run's day, however long the tests before it took."""
    if _coordinates is not None:
        _coordinates.move_to(NOW)


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """A fresh database made as production's is: roles by db_bootstrap, schema by the owner's migrate."""
    with django_db_blocker.unblock():
        call_command("db_bootstrap", "--recreate", "--grant-truncate", verbosity=0)
        call_command("migrate", verbosity=0)
        align_reference_data()
    yield


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield


@dataclass
class Tenant:
    employer: Employer
    coordinator: User
    assessor: User
    line_manager: User
    nqsw: User


def _tenant(name: str, **fields) -> Tenant:
    employer = EmployerFactory(name=name, **fields)
    slug = name.split()[0].lower()
    return Tenant(
        employer=employer,
        coordinator=person(role=Role.COORDINATOR, employer=employer, email=f"coordinator@{slug}.example"),
        assessor=person(role=Role.ASSESSOR, employer=employer, email=f"assessor@{slug}.example"),
        line_manager=person(role=Role.LINE_MANAGER, employer=employer, email=f"manager@{slug}.example"),
        nqsw=person(role=Role.NQSW, employer=employer, email=f"nqsw@{slug}.example"),
    )


@pytest.fixture
def employer_a(db) -> Tenant:
    return _tenant("Alphashire County Council", region=Region.NORTH_WEST)


@pytest.fixture
def employer_b(db) -> Tenant:
    return _tenant("Betaford Fostering", employer_type=EmployerType.FOSTERING, region=Region.LONDON)


@pytest.fixture
def alice(employer_a) -> User:
    """Employer A's co-ordinator."""
    return employer_a.coordinator


@pytest.fixture
def bob(employer_a) -> User:
    """Employer A's assessor."""
    return employer_a.assessor


@pytest.fixture
def charlie(employer_b) -> User:
    """Employer B's co-ordinator: no access to anything of A's."""
    return employer_b.coordinator


@pytest.fixture
def national_staff(db) -> User:
    user = person(role=Role.NATIONAL_STAFF, email="national@skillsforcare.example")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def mfa(db):
    """Give a user a TOTP authenticator, as the MFA rule requires of co-ordinators and national staff."""
    from allauth.mfa.models import Authenticator

    def enrol(user: User) -> User:
        # Authenticators have row-level security keyed on their person: written as that person.
        with tenant_settings(user_id=user.pk):
            Authenticator.objects.get_or_create(
                user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
            )
        return user

    return enrol


@pytest.fixture
def unscoped():
    """Read or write across employers in test code, outside any request's tenant context."""
    return system_national_context


@pytest.fixture
def login(client, mfa):
    """Sign ``user`` in on the test client (with the second factor the rules require in place)."""
    from asye.tenancy.middleware import ACTIVE_EMPLOYER_SESSION_KEY

    def sign_in(user: User, employer: Employer | None = None):
        mfa(user)
        client.force_login(user)
        if employer is not None:
            session = client.session
            session[ACTIVE_EMPLOYER_SESSION_KEY] = employer.pk
            session.save()
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    """Tests on a transactional database (threads, live servers) start with the reference data in place,
    whichever transactional test emptied the database before them."""
    marker = request.node.get_closest_marker("django_db")
    if (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("reference_data")


@pytest.fixture
def reference_data(transactional_db):
    """The programme and capability frameworks, as their data migrations load them.

    Browser tests use a live server and so a transactional database, which pytest-django empties
    after each test (reference data loaded by migrations included); this puts the frameworks back.
    """
    load_reference_data()
