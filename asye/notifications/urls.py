"""The notification centre, under /notifications/."""

from django.urls import path

from asye.notifications import views

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("email/", views.notification_preferences, name="preferences"),
]
