"""Fixtures of the jobs tests: the test kinds registered, and starting a job as someone."""

from __future__ import annotations

import pytest

from asye.jobs import kinds
from asye.jobs.services import job_start
from asye.tenancy.db import tenant_context, tenant_settings
from tests.jobs import kinds as test_kinds_module
from tests.programmes.conftest import actor_for


@pytest.fixture
def test_kinds(settings):
    contributions = dict(settings.ASYE_CONTRIBUTIONS)
    contributions["job_kinds"] = [*contributions.get("job_kinds", ()), "tests.jobs.kinds"]
    settings.ASYE_CONTRIBUTIONS = contributions
    kinds._registry.cache_clear()
    test_kinds_module.RUNS.clear()
    yield test_kinds_module
    kinds._registry.cache_clear()


@pytest.fixture
def start(django_capture_on_commit_callbacks, test_kinds):
    """``start(user, employer_or_None, kind, run=True, **params)``: the job, started as that person (for
    the employer, or national with ``None``) and, with ``run``, run as the worker would once committed."""
    from asye.accounts.actor import build_actor

    def make(user, employer, kind="tests.echo", *, run=True, **params):
        if employer is None:
            with tenant_settings(user_id=user.pk):
                actor = build_actor(user, employer_id=None)
            context = tenant_settings(user_id=user.pk)
        else:
            actor = actor_for(user, employer)
            context = tenant_context(employer.pk)
        with django_capture_on_commit_callbacks(execute=run), context:
            job = job_start(
                actor=actor, kind=kind, label="A test file", params=params, national=employer is None
            )
        return job

    return make
