"""The product's URLs plus the two baselines of the load benchmark (benchmarks/settings_bench.py only).

- ``/bench/bare/``: a bare Django JSON view: the whole middleware stack, no query of its own;
- ``/bench/lookup/``: the same plus one one-row lookup by primary key (an employer, a table without
  row-level security, so no tenant is needed).
"""

from django.http import JsonResponse
from django.urls import path

from asye.tenancy.models import Employer
from asye.urls import handler400, handler403, handler404, handler500
from asye.urls import urlpatterns as product_urlpatterns


def bare(request):
    return JsonResponse({"status": "ok"})


def lookup(request):
    pk = request.GET.get("id", "1")
    row = Employer.objects.filter(pk=int(pk) if pk.isdigit() else 0).values("id", "name").first()
    return JsonResponse(row or {}, status=200 if row else 404)


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/lookup/", lookup),
    *product_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
