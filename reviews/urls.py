"""The employer's review and moderation pages, under /reviews/: progressive reviews, support plans, the
final recommendation and the internal panel (review_urls), and the employer's side of national
moderation (employer_moderation_urls)."""

from reviews import employer_moderation_urls, review_urls

urlpatterns = [*review_urls.urlpatterns, *employer_moderation_urls.urlpatterns]
