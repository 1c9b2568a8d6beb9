"""The test suite runs in pytest-xdist workers (scripts/test, docs/testing.md): each worker has a database
and a Redis database of its own, and db_bootstrap, which every worker runs at the start of its session,
makes the cluster's shared roles one bootstrap at a time."""

from __future__ import annotations

import os
import threading
import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from asye import settings_test
from asye.tenancy.pgroles import BOOTSTRAP_LOCK, DatabasePlan, bootstrap

ADMIN_URL = os.environ.get("ASYE_DB_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def test_a_worker_gets_its_own_database_name():
    url = "postgresql://asye_app:secret@db.example:5433/asye_test?sslmode=require"
    assert (
        settings_test._per_worker(url, "gw3")
        == "postgresql://asye_app:secret@db.example:5433/asye_test_gw3?sslmode=require"
    )


def test_a_worker_gets_its_own_redis_database_number():
    assert settings_test._redis_per_worker("redis://127.0.0.1:6379/10", 0) == "redis://127.0.0.1:6379/10"
    assert settings_test._redis_per_worker("redis://127.0.0.1:6379/10", 3) == "redis://127.0.0.1:6379/13"
    assert (
        settings_test._redis_per_worker("redis://:pw@redis.example:6380", 2)
        == "redis://:pw@redis.example:6380/2"
    )


def test_a_worker_past_the_last_redis_database_stops_the_run_with_a_message():
    with pytest.raises(ImproperlyConfigured, match="Redis database 16"):
        settings_test._redis_per_worker("redis://127.0.0.1:6379/15", 1)


def test_this_session_uses_its_workers_database_and_redis_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    redis_number = int(settings.REDIS_URL.rsplit("/", 1)[1])
    if worker:
        assert settings.DATABASES["default"]["NAME"].endswith(f"_{worker}")
        assert settings.DATABASES["owner"]["NAME"] == settings.DATABASES["default"]["NAME"]
        assert os.environ["ASYE_TEST_WORKER_URLS"] == worker
    # The cache and the broker are the same Redis database: the worker's (the one asked for, in one process).
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL == settings.CELERY_BROKER_URL
    assert 0 <= redis_number < settings_test.REDIS_DATABASES


@pytest.fixture
def scratch_database():
    name = f"{settings.DATABASES['default']['NAME']}_lock_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_bootstrap_waits_while_another_holds_the_role_lock(scratch_database):
    owner, app = settings.DATABASES["owner"], settings.DATABASES["default"]
    plan = DatabasePlan(
        admin_url=ADMIN_URL, database=scratch_database, owner_role=owner["USER"], app_role=app["USER"]
    )
    finished = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            bootstrap(plan)
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            finished.set()

    with psycopg.connect(ADMIN_URL, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [BOOTSTRAP_LOCK])
        thread = threading.Thread(target=run)
        thread.start()
        assert not finished.wait(1.5), "bootstrap went ahead while another bootstrap held the lock"
        other.execute("SELECT pg_advisory_unlock(%s)", [BOOTSTRAP_LOCK])
        assert finished.wait(60), "bootstrap did not finish once the lock was free"
    thread.join()
    assert errors == []
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        made = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch_database]).fetchone()
    assert made is not None
