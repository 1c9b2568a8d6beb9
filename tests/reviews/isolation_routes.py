"""Reviews's routes that capture an object, for tests/test_isolation.py (see tests/isolation_support.py)."""

from __future__ import annotations

from tests.isolation_support import ObjectRoute

OBJECT_ROUTES: dict[str, ObjectRoute] = {}

EXEMPT: dict[str, str] = {}


# --- National moderation (helper "NQAP") ---------------------------------------------------------------------
# The employer's side is employer-scoped: another employer's case or application is a 404. The national and
# the moderators' pages (namespace ``moderation``) are national: tests/reviews/test_moderation_isolation.py
# proves every one refuses people acting for an employer (403), national staff's refuse moderators, and a
# moderator gets 404 for any case not theirs, their own employer's included.
from tests.reviews.test_moderation_isolation import make_application, make_case  # noqa: E402

OBJECT_ROUTES.update(
    {
        "reviews:moderation_case": ObjectRoute(make_case),
        "reviews:moderation_withdraw": ObjectRoute(make_case),
        "reviews:good_practice": ObjectRoute(make_application),
    }
)
EXEMPT.update(
    {
        # Not employer-owned: the NQAP's library, whose published exemplars every employer's co-ordinators and
        # assessors read; a draft (or missing one) is a 404 for them (tests/reviews/test_exemplars.py).
        "reviews:exemplar": "national library, published to every employer",
        **{
            f"moderation:{name}": "national"
            for name in (
                "round",
                "case",
                "good_practice_decide",
                "exemplar",
                "exemplar_edit",
                "my_case",
                "my_case_findings",
                "my_case_pack",
                "my_case_file",
            )
        },
    }
)


# --- Reviews, support plans, final recommendations, the internal panel, the certificate (helper "reviews") --
# Every route (HTML and API) reads through a selector scoped to the actor before anything else, so another
# employer's review, plan, recommendation or panel is a 404 whatever the method. The make functions, made
# through the services, are in tests/reviews/review_routes.py.
from tests.reviews.review_routes import REVIEW_EXEMPT, REVIEW_OBJECT_ROUTES  # noqa: E402

OBJECT_ROUTES.update(REVIEW_OBJECT_ROUTES)
EXEMPT.update(REVIEW_EXEMPT)
