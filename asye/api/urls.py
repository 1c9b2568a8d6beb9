"""The API under /api/v1/: the foundation's endpoints and the schema, then each domain app's routes."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from asye.api.endpoints import AuditEventViewSet, EmployerView, MembershipViewSet, MeView
from asye.contributions import contributions

router = SimpleRouter()
router.register("memberships", MembershipViewSet, basename="membership")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
# Each domain app's endpoints, from its ``<app>/api_routes.py`` (settings.ASYE_CONTRIBUTIONS["api_routes"]):
# viewsets in ``ROUTES``; single views (the national endpoints, ``asye.api.national``) in ``PATHS``.
app_paths = []
for module in contributions("api_routes"):
    for prefix, viewset, basename in getattr(module, "ROUTES", ()):
        router.register(prefix, viewset, basename=basename)
    app_paths.extend(getattr(module, "PATHS", ()))

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("me/", MeView.as_view(), name="me"),
    path("employer/", EmployerView.as_view(), name="employer"),
    *router.urls,
    *app_paths,
]
