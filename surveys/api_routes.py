"""This app's API routes, registered under /api/v1/ by asye.api.urls (asye.contributions)."""

from django.urls import path

from surveys.national_api import SurveyResultsView

# National staff's figures (national API tokens only); the surveys have no employer endpoints.
PATHS = [path("national/survey-results/", SurveyResultsView.as_view(), name="national-survey-results")]
