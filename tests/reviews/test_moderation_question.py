"""The NQAP moderator's question matches the case, and the moderator reads every review (issue 11, item 2):
a portfolio with no final recommendation is not asked whether the evidence supports "the assessor's
recommendation", and only answers to the case's own question are accepted; the moderator's case page and
the portfolio pack include the 3-, 6- and 12-month reviews with their texts, signatures and amendments."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from asye.tenancy.db import tenant_context
from portfolios.models import Portfolio
from portfolios.pack import SECTIONS, portfolio_pack_html
from portfolios.selectors import portfolio_contents
from reviews.models import ModerationCase
from reviews.moderation_questions import CAPABILITIES_QUESTION, RECOMMENDATION_QUESTION
from reviews.moderation_services.findings import findings_save
from reviews.rules import long_date
from reviews.services.amendments import review_amend
from tests.reviews.review_fixtures import as_, fresh, make_year_done, scheduled
from tests.reviews.test_final_outcome import recommend
from tests.reviews.test_moderation_support import (
    actor_for,
    assign,
    assigned_case,
    make_moderator,
    submit_voluntarily,
)
from tests.reviews.test_moderation_support import fresh as fresh_case

pytestmark = pytest.mark.django_db

FINDINGS = {
    "strengths": "Evidence is mapped to the PCF throughout.",
    "areas_for_development": "Reflections could quote more practice examples.",
}


def send(moderator, case, agreement):
    case = fresh_case(case)
    return findings_save(
        actor=actor_for(moderator),
        case=case,
        version=case.version,
        send=True,
        agreement=agreement,
        **FINDINGS,
    )


def case_of_year_done(tenant, staff, moderator, *, recommended: bool):
    """A year-done registration's submitted portfolio (with a submitted pass, if ``recommended``), submitted
    voluntarily by the employer and assigned to ``moderator``."""
    done = make_year_done(tenant)
    if recommended:
        recommend(tenant, done)
    with tenant_context(tenant.employer.pk):
        Portfolio.objects.filter(registration=done).update(
            submitted_at=timezone.now(), submitted_by=tenant.coordinator
        )
        portfolio = Portfolio.objects.get(registration=done)
    return assign(staff, submit_voluntarily(tenant, portfolio), moderator), done


def test_finding_a_case_without_a_recommendation_is_asked_about_the_capabilities(
    client, login, employer_a, national_staff
):
    """The moderator was asked whether the evidence supports "the assessor's recommendation" on a case that
    has none, and "partly supports" was accepted."""
    moderator = make_moderator()
    case = assigned_case(employer_a, national_staff, moderator)
    login(moderator)
    form = unescape(client.get(reverse("moderation:my_case_findings", args=[case.pk])).content.decode())
    assert CAPABILITIES_QUESTION.text in form
    assert "recommendation?" not in form and "supports the recommendation" not in form
    with pytest.raises(ValidationError) as raised:
        send(moderator, case, ModerationCase.Agreement.PARTLY)
    assert raised.value.message_dict["agreement"] == [CAPABILITIES_QUESTION.required]
    assert fresh_case(case).status == ModerationCase.Status.ASSIGNED
    sent = send(moderator, case, ModerationCase.Agreement.PARTLY_MEETS)
    assert sent.status == ModerationCase.Status.FINDINGS_SENT
    page = unescape(client.get(reverse("moderation:my_case", args=[case.pk])).content.decode())
    assert CAPABILITIES_QUESTION.text in page and "The evidence shows some of the capabilities" in page
    # The employer reads the findings under the question they answer.
    client.logout()
    login(employer_a.coordinator)
    html = unescape(client.get(reverse("reviews:moderation_case", args=[case.pk])).content.decode())
    assert CAPABILITIES_QUESTION.text in html and "support the assessor" not in html


def test_a_case_with_a_recommendation_is_asked_whether_the_evidence_supports_it(
    client, login, employer_a, national_staff
):
    moderator = make_moderator()
    case, _ = case_of_year_done(employer_a, national_staff, moderator, recommended=True)
    login(moderator)
    form = unescape(client.get(reverse("moderation:my_case_findings", args=[case.pk])).content.decode())
    assert RECOMMENDATION_QUESTION.text in form and CAPABILITIES_QUESTION.text not in form
    with pytest.raises(ValidationError) as raised:
        send(moderator, case, ModerationCase.Agreement.MEETS)
    assert raised.value.message_dict["agreement"] == [RECOMMENDATION_QUESTION.required]
    assert send(moderator, case, ModerationCase.Agreement.PARTLY).agreement == "partly"


def test_the_findings_page_accepts_only_the_cases_answers(client, login, employer_a, national_staff):
    moderator = make_moderator()
    case = assigned_case(employer_a, national_staff, moderator)
    login(moderator)
    response = client.post(
        reverse("moderation:my_case_findings", args=[case.pk]),
        {"action": "send", "version": fresh_case(case).version, "agreement": "agree", **FINDINGS},
    )
    assert response.status_code == 400
    assert CAPABILITIES_QUESTION.required in unescape(response.content.decode())
    assert fresh_case(case).status == ModerationCase.Status.ASSIGNED


def test_finding_the_case_page_and_the_pack_include_every_review(client, login, employer_a, national_staff):
    """Neither the moderator's case page nor the portfolio pack included the 3-, 6- and 12-month reviews."""
    moderator = make_moderator()
    case, registration = case_of_year_done(employer_a, national_staff, moderator, recommended=False)
    six = scheduled(employer_a, registration, 6)
    with tenant_context(employer_a.employer.pk):
        review_amend(
            actor=as_(employer_a, employer_a.assessor),
            review=six,
            version=six.version,
            reason="The outcome was recorded wrongly",
            outcome="some_concerns",
        )
    reviews = {month: fresh(employer_a, scheduled(employer_a, registration, month)) for month in (3, 6, 12)}
    expected = (
        [
            "PCF: clear values, planned visits.",  # the assessor's report (review_fixtures.write)
            "PQS 1 and 5 well evidenced.",
            "At a home visit she listened well.",  # the practice example
            "The outcome was recorded wrongly",  # the amendment's reason
            "Signed and locked",
            employer_a.line_manager.full_name or employer_a.line_manager.email,
        ]
        + [f"{month}-month review" for month in reviews]
        + [long_date(r.held_on) for r in reviews.values()]
    )

    login(moderator)
    page = unescape(client.get(reverse("moderation:my_case", args=[case.pk])).content.decode())
    for text in expected:
        assert text in page, text

    with tenant_context(employer_a.employer.pk):
        pack = unescape(
            portfolio_pack_html(portfolio_contents(Portfolio.objects.get(registration=registration)))
        )
    assert "Reviews" in SECTIONS and '<section class="part" id="reviews">' in pack
    for text in expected:
        assert text in pack, text
