"""The surveys' routes that capture an object, for tests/test_isolation.py (see tests/isolation_support.py)."""

from __future__ import annotations

from tests.isolation_support import ObjectRoute


def make_invitation(employer_b, unscoped):
    """B's co-ordinator's invitation to an open round's leads survey."""
    from surveys.models import SurveyInvitation
    from surveys.services import survey_emails_send_due
    from tests.surveys.helpers import open_round
    from tests.today import TODAY

    open_round()
    survey_emails_send_due(today=TODAY)
    with unscoped():
        return SurveyInvitation.objects.get(person=employer_b.coordinator)


OBJECT_ROUTES: dict[str, ObjectRoute] = {
    # Only the invitation's own person, acting for its employer, opens it: anyone else gets 404.
    "surveys:answer": ObjectRoute(make_invitation),
}

EXEMPT: dict[str, str] = {
    # National staff only; anyone else gets 403 before any object is read (tests/surveys/test_surveys.py).
    **{
        f"national_surveys:{name}": "national"
        for name in (
            "round",
            "round_dates",
            "send_due",
            "results",
            "results_xlsx",
            "results_csv",
            "questionnaire",
        )
    },
}
