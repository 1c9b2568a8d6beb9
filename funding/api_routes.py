"""This app's API routes, registered under /api/v1/ by asye.api.urls (asye.contributions)."""

from funding.api import ClaimViewSet, StatementViewSet

# (prefix, viewset, basename)
ROUTES = [
    ("claims", ClaimViewSet, "claim"),
    ("statements", StatementViewSet, "statement"),
]
