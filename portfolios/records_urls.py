"""The portfolio's records, under /portfolio/ (namespace ``portfolios``): the learning agreement, the PDP,
the self-assessment, direct observations and feedback requests.

Pages of a whole portfolio take the registration's pk; pages of one record take the record's pk. The
self-assessment's stage travels in the query string (or the form), so every route captures only ``pk``.
"""

from django.urls import path

from portfolios import record_views as views

urlpatterns = [
    # The learning agreement
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/agreement/new/", views.agreement_add, name="agreement_add"),
    path("agreement/<int:pk>/change/", views.agreement_change, name="agreement_change"),
    path("agreement/<int:pk>/sign/", views.agreement_sign, name="agreement_sign"),
    # The professional development plan
    path("<int:pk>/pdp/", views.pdp, name="pdp"),
    path("<int:pk>/pdp/add/", views.pdp_add, name="pdp_add"),
    path("pdp/<int:pk>/", views.pdp_objective, name="pdp_objective"),
    path("pdp/<int:pk>/change/", views.pdp_objective_change, name="pdp_objective_change"),
    # The PQS self-assessment (child and family)
    path("<int:pk>/self-assessment/", views.self_assessments, name="self_assessments"),
    path("<int:pk>/self-assessment/rate/", views.self_assessment, name="self_assessment"),
    # Direct observations
    path("<int:pk>/observations/", views.observations, name="observations"),
    path("<int:pk>/observations/add/", views.observation_add, name="observation_add"),
    path("observations/<int:pk>/", views.observation, name="observation"),
    path("observations/<int:pk>/change/", views.observation_change, name="observation_change"),
    path("observations/<int:pk>/complete/", views.observation_complete, name="observation_complete"),
    # Feedback requests
    path("<int:pk>/feedback/", views.feedback_requests, name="feedback_requests"),
    path("<int:pk>/feedback/new/", views.feedback_request_add, name="feedback_request_add"),
    path("feedback/<int:pk>/", views.feedback_request, name="feedback_request"),
    path("feedback/<int:pk>/link/", views.feedback_request_created, name="feedback_request_created"),
    path("feedback/<int:pk>/cancel/", views.feedback_request_cancel, name="feedback_request_cancel"),
]
