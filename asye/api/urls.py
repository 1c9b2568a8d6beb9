from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from asye.api.endpoints import AuditEventViewSet, EmployerView, MembershipViewSet, MeView
from funding.api import ClaimViewSet, StatementViewSet
from programmes.api import RegistrationViewSet
from reviews.api import FinalOutcomeViewSet, ReviewViewSet

router = SimpleRouter()
router.register("memberships", MembershipViewSet, basename="membership")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("claims", ClaimViewSet, basename="claim")
router.register("statements", StatementViewSet, basename="statement")
router.register("reviews", ReviewViewSet, basename="review")
router.register("final-outcomes", FinalOutcomeViewSet, basename="final-outcome")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("me/", MeView.as_view(), name="me"),
    path("employer/", EmployerView.as_view(), name="employer"),
    *router.urls,
]
