"""Feedback links, under /feedback/ (namespace ``feedback``): answered by people without an account. The
secret in the address is the credential; an unknown one is a 404."""

from django.urls import path

from portfolios import feedback_views

urlpatterns = [
    # Before the secret's pattern, so "thanks" is never taken for a secret.
    path("thanks/", feedback_views.thanks, name="thanks"),
    path("<str:secret>/", feedback_views.answer, name="answer"),
]
