"""The respondents' pages, under /360/ (namespace ``evaluation_response``): answered through a single-use
link by people without an account. The secret in the address is the credential; an unknown one is a 404."""

from django.urls import path

from evaluations import public_views

urlpatterns = [
    # Before the secret's pattern, so "thanks" is never taken for a secret.
    path("thanks/", public_views.thanks, name="thanks"),
    path("<str:secret>/", public_views.answer, name="answer"),
]
