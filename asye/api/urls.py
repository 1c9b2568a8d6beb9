from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from asye.api.endpoints import AuditEventViewSet, EmployerView, MembershipViewSet, MeView
from programmes.api import RegistrationViewSet

router = SimpleRouter()
router.register("memberships", MembershipViewSet, basename="membership")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("registrations", RegistrationViewSet, basename="registration")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("me/", MeView.as_view(), name="me"),
    path("employer/", EmployerView.as_view(), name="employer"),
    *router.urls,
]
