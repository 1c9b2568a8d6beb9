"""National staff's registrations to review (included at /national/registrations/,
namespace national_registrations)."""

from django.urls import path

from asye.web.routes import spreadsheet_downloads
from programmes import download_views, national_bulk_views, national_views

urlpatterns = [
    path("", national_views.review_list, name="list"),
    *spreadsheet_downloads("registrations", download_views.national_registrations_download, "list"),
    # Deciding many registrations' funding at once: the check page, then the decision (no object in the path).
    path("decide/check/", national_bulk_views.registrations_decide_check, name="decide_check"),
    path("decide/", national_bulk_views.registrations_decide, name="decide"),
    path("<int:pk>/", national_views.review_detail, name="detail"),
]
