"""The review pages, one module a topic: ``reviews`` (what to act on, a registration's reviews, one review,
the assessor's report and practice examples), ``signatures`` (signing, commenting, amending),
``support_plans``, ``recommendations`` (the final recommendation and the completion certificate) and
``panels`` (the internal moderation panel). ``reviews.review_urls`` routes to them."""
