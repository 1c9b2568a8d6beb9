"""The portfolio's overview, evidence, coverage, pack and submission, and the amendment pages of assessed
records (accepted evidence, complete observations), under /portfolio/, namespace ``portfolios``.
Whole-portfolio pages capture the registration's pk; item pages the item's."""

from django.urls import path

from portfolios import amendment_views, portfolio_views
from portfolios import evidence_views as views

urlpatterns = [
    path("<int:pk>/", portfolio_views.overview, name="overview"),
    path("<int:pk>/evidence/", views.evidence_list_page, name="evidence_list"),
    path("<int:pk>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/coverage/", portfolio_views.coverage, name="coverage"),
    path("<int:pk>/pack/", portfolio_views.pack, name="pack"),
    path("<int:pk>/submit/", portfolio_views.submit, name="submit"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence"),
    path("evidence/<int:pk>/change/", views.evidence_change, name="evidence_change"),
    path("evidence/<int:pk>/share/", views.evidence_share, name="evidence_share"),
    path("evidence/<int:pk>/respond/", views.evidence_respond, name="evidence_respond"),
    path("evidence/<int:pk>/files/add/", views.evidence_file_add, name="evidence_file_add"),
    path("files/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("files/<int:pk>/remove/", views.evidence_file_remove, name="evidence_file_remove"),
    # Assessed records: amendments by the assessor or co-ordinator, later reflections by the NQSW
    path("evidence/<int:pk>/amend/", amendment_views.evidence_amend, name="evidence_amend"),
    path("evidence/<int:pk>/reflect/", amendment_views.evidence_reflect, name="evidence_reflect"),
    path("observations/<int:pk>/amend/", amendment_views.observation_amend, name="observation_amend"),
    path("observations/<int:pk>/reflect/", amendment_views.observation_reflect, name="observation_reflect"),
]
