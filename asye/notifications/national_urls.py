"""National staff's page of the scheduled jobs, under /national/schedules/."""

from django.urls import path

from asye.notifications import national_views

urlpatterns = [path("", national_views.scheduled_jobs, name="list")]
