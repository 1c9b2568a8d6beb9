"""This app's API routes, registered under /api/v1/ by asye.api.urls (asye.contributions)."""

from reviews.api import FinalOutcomeViewSet, ReviewViewSet

# (prefix, viewset, basename)
ROUTES = [
    ("reviews", ReviewViewSet, "review"),
    ("final-outcomes", FinalOutcomeViewSet, "final-outcome"),
]
