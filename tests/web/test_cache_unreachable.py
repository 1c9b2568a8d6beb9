"""Redis unreachable (fault drill "Redis restarted", docs/operations.md): the cache only saves work, so
pages, the API and the health check still answer; the health check says the service is degraded."""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: every call is refused
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "IGNORE_EXCEPTIONS": True},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = UNREACHABLE
    assert cache.get("anything") is None  # a real, refused connection: not an error, a miss
    yield


def test_the_health_check_says_degraded_but_keeps_the_process_in_rotation(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


def test_signed_in_pages_and_the_api_still_answer(client, login, employer_a, redis_down):
    login(employer_a.coordinator)
    assert client.get("/").status_code == 200
    assert client.get("/registrations/").status_code == 200
    response = client.get("/api/v1/memberships/")
    assert response.status_code == 200
