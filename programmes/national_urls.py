"""National staff's registrations to review (included at /national/registrations/,
namespace national_registrations)."""

from django.urls import path

from programmes import national_views

urlpatterns = [
    path("", national_views.review_list, name="list"),
    path("<int:pk>/", national_views.review_detail, name="detail"),
]
