"""The portfolio's records, under /portfolio/ (namespace ``portfolios``): the learning agreement, the PDP,
the self-assessment, direct observations and feedback requests.

Pages of a whole portfolio take the registration's pk; pages of one record take the record's pk. The
self-assessment's stage travels in the query string (or the form), so every route captures only ``pk``.
"""

from django.urls import path

from asye.web.routes import record_actions, record_routes
from portfolios import (
    agreement_views,
    feedback_request_views,
    observation_views,
    pdp_views,
    self_assessment_views,
)

urlpatterns = [
    # The learning agreement
    path("<int:pk>/agreement/", agreement_views.agreement, name="agreement"),
    path("<int:pk>/agreement/new/", agreement_views.agreement_add, name="agreement_add"),
    *record_actions(
        "agreement", "agreement", change=agreement_views.agreement_change, sign=agreement_views.agreement_sign
    ),
    # The professional development plan
    path("<int:pk>/pdp/", pdp_views.pdp, name="pdp"),
    path("<int:pk>/pdp/add/", pdp_views.pdp_add, name="pdp_add"),
    *record_routes("pdp", "pdp_objective", pdp_views.pdp_objective, change=pdp_views.pdp_objective_change),
    # The PQS self-assessment (child and family)
    path("<int:pk>/self-assessment/", self_assessment_views.self_assessments, name="self_assessments"),
    path("<int:pk>/self-assessment/rate/", self_assessment_views.self_assessment, name="self_assessment"),
    # Direct observations
    path("<int:pk>/observations/", observation_views.observations, name="observations"),
    path("<int:pk>/observations/add/", observation_views.observation_add, name="observation_add"),
    *record_routes(
        "observations",
        "observation",
        observation_views.observation,
        change=observation_views.observation_change,
        complete=observation_views.observation_complete,
    ),
    # Feedback requests
    path("<int:pk>/feedback/", feedback_request_views.feedback_requests, name="feedback_requests"),
    path("<int:pk>/feedback/new/", feedback_request_views.feedback_request_add, name="feedback_request_add"),
    *record_routes(
        "feedback",
        "feedback_request",
        feedback_request_views.feedback_request,
        cancel=feedback_request_views.feedback_request_cancel,
    ),
    path(
        "feedback/<int:pk>/link/",
        feedback_request_views.feedback_request_created,
        name="feedback_request_created",
    ),
]
