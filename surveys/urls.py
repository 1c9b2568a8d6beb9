"""surveys: the pages of people at an employer (included at /surveys/, namespace surveys)."""

from django.urls import path

from surveys import views

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.answer, name="answer"),
]
