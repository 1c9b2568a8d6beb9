"""This app's API routes, registered under /api/v1/ by asye.api.urls (asye.contributions)."""

from django.urls import path

from forums.api import ForumSessionViewSet
from forums.national_api import ForumAttendanceView, ForumPollResultsView, SessionPollResultsView

# (prefix, viewset, basename)
ROUTES = [("forum-sessions", ForumSessionViewSet, "forum-session")]
# National staff's figures (national API tokens only).
PATHS = [
    path("national/forum-attendance/", ForumAttendanceView.as_view(), name="national-forum-attendance"),
    path("national/poll-results/", SessionPollResultsView.as_view(), name="national-poll-results"),
    path("national/forum-poll-results/", ForumPollResultsView.as_view(), name="national-forum-poll-results"),
]
