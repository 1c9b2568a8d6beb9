"""The jobs' routes that capture an object, for tests/test_isolation.py (see tests/isolation_support.py).

A job is addressed by its public id (a UUID), so the "missing" address is a UUID nobody has."""

from __future__ import annotations

import uuid

from asye.tenancy.db import tenant_context
from tests.isolation_support import ObjectRoute


def make_job(employer_b, unscoped):
    """A payment statement export B's co-ordinator started (it never runs here: nothing commits)."""
    from asye.jobs.services import job_start
    from funding.jobs import STATEMENT_EXPORT
    from tests.programmes.conftest import actor_for

    with tenant_context(employer_b.employer.pk):
        return job_start(
            actor=actor_for(employer_b.coordinator, employer_b.employer),
            kind=STATEMENT_EXPORT,
            label="B's payment statement as a CSV file",
            params={"statement_id": 1, "format": "csv"},
        )


def _address(job):
    return {"pk": job.public_id}


def _missing():
    return {"pk": uuid.UUID(int=10**9)}


OBJECT_ROUTES: dict[str, ObjectRoute] = {
    "jobs:progress": ObjectRoute(make_job, kwargs=_address, missing=_missing),
    "jobs:download": ObjectRoute(make_job, kwargs=_address, missing=_missing),
}
EXEMPT: dict[str, str] = {}
