"""A health check for load balancers and monitoring: the database and the cache answer.

Without the database nothing works: 503, so a load balancer takes the web process out of rotation.
Without the cache (Redis) the pages still work (the cache misses; rate limits count nothing; jobs wait for
the broker): 200 with ``"status": "degraded"``, for monitoring to alert on, rather than taking every web
process out of rotation at once (fault drill "Redis restarted", docs/operations.md)."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse


def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unavailable"
    try:
        cache.set("asye:healthz", "1", 10)
        checks["cache"] = "ok" if cache.get("asye:healthz") == "1" else "unavailable"
    except Exception:
        checks["cache"] = "unavailable"
    if checks["database"] != "ok":
        return JsonResponse({"status": "unavailable", **checks}, status=503)
    return JsonResponse({"status": "ok" if checks["cache"] == "ok" else "degraded", **checks}, status=200)
