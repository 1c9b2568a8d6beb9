"""The portfolio pages, under /portfolio/. Evidence, coverage and the pack live in evidence_urls; the
agreement, PDP, self-assessments, observations and feedback requests in records_urls."""

from portfolios import evidence_urls, records_urls

urlpatterns = [*evidence_urls.urlpatterns, *records_urls.urlpatterns]
