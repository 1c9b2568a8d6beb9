"""This app's API routes, registered under /api/v1/ by asye.api.urls (asye.contributions)."""

from django.urls import path

from evaluations.api import EvaluationCycleViewSet
from evaluations.national_api import EvaluationCompositeView

# (prefix, viewset, basename)
ROUTES = [("evaluation-cycles", EvaluationCycleViewSet, "evaluation-cycle")]
# National staff's figures (national API tokens only).
PATHS = [
    path(
        "national/evaluation-composite/",
        EvaluationCompositeView.as_view(),
        name="national-evaluation-composite",
    )
]
