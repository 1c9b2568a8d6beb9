"""National moderation pages under /national/moderation/ (namespace ``moderation``), one module a topic:
``rounds`` (the overview, drawing a round, assigning its cases, closing it), ``cases`` (one case for
national staff; a moderator's cases, portfolios and findings), ``exemplars`` (the library) and
``good_practice`` (the register). ``reviews.national_urls`` routes to them."""
