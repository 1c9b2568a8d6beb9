from django.urls import path

from equality import views

urlpatterns = [
    path("", views.mine, name="mine"),
    path("answers/", views.answer, name="answer"),
    path("summary/", views.summary, name="summary"),
]
