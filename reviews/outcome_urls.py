"""National staff's outcome figures (included at /national/outcomes/, namespace ``national_outcomes``)."""

from django.urls import path

from reviews import national_views

urlpatterns = [path("", national_views.outcome_figures, name="figures")]
