"""This app's API routes, registered under /api/v1/ by asye.api.urls (asye.contributions)."""

from evaluations.api import EvaluationCycleViewSet

# (prefix, viewset, basename)
ROUTES = [("evaluation-cycles", EvaluationCycleViewSet, "evaluation-cycle")]
