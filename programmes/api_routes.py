"""This app's API routes, registered under /api/v1/ by asye.api.urls (asye.contributions)."""

from programmes.api import RegistrationViewSet

# (prefix, viewset, basename)
ROUTES = [("registrations", RegistrationViewSet, "registration")]
