"""The portfolio's overview, evidence, coverage, pack and submission, and the amendment pages of assessed
records (accepted evidence, complete observations), under /portfolio/, namespace ``portfolios``.
Whole-portfolio pages capture the registration's pk; item pages the item's."""

from django.urls import path

from asye.web.routes import record_actions, record_routes
from portfolios import amendment_views, portfolio_views
from portfolios import evidence_views as views

urlpatterns = [
    path("<int:pk>/", portfolio_views.overview, name="overview"),
    path("<int:pk>/evidence/", views.evidence_list_page, name="evidence_list"),
    path("<int:pk>/evidence/add/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/coverage/", portfolio_views.coverage, name="coverage"),
    path("<int:pk>/pack/", portfolio_views.pack, name="pack"),
    path("<int:pk>/submit/", portfolio_views.submit, name="submit"),
    *record_routes(
        "evidence",
        "evidence",
        views.evidence_detail,
        change=views.evidence_change,
        share=views.evidence_share,
        respond=views.evidence_respond,
    ),
    path("evidence/<int:pk>/files/add/", views.evidence_file_add, name="evidence_file_add"),
    *record_routes("files", "evidence_file", views.evidence_file, remove=views.evidence_file_remove),
    # Assessed records: amendments by the assessor or co-ordinator, later reflections by the NQSW
    *record_actions(
        "evidence", "evidence", amend=amendment_views.evidence_amend, reflect=amendment_views.evidence_reflect
    ),
    *record_actions(
        "observations",
        "observation",
        amend=amendment_views.observation_amend,
        reflect=amendment_views.observation_reflect,
    ),
]
