"""This app's API routes, registered under /api/v1/ by asye.api.urls (asye.contributions)."""

from forums.api import ForumSessionViewSet

# (prefix, viewset, basename)
ROUTES = [("forum-sessions", ForumSessionViewSet, "forum-session")]
