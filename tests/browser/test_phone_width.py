"""Every role's main pages on a phone (375 px wide): no page scrolls sideways (a wide table scrolls inside
its own labelled region, or shows fewer columns) and axe-core finds no WCAG 2.2 AA violation.

The pages walked are every entry of the person's navigation (asye.web.navigation: every section's pages),
so a page added to the navigation is checked here without touching this module, and a few pages that the
lists lead to (a registration, a claim, the budget)."""

from __future__ import annotations

import pytest

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.tenancy.db import tenant_context
from asye.web.navigation import build_navigation
from funding.models import Claim
from tests.browser.support import format_violations, run_axe
from tests.factories import person
from tests.funding.conftest import register
from tests.funding.helpers import approve, load_funding_reference_data, national_actor

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
WIDE = {"width": 1280, "height": 900}

OVERFLOW = """() => {
    const root = document.documentElement;
    if (root.scrollWidth <= window.innerWidth) return null;
    // The widest elements that stick out past the right edge, to say what to fix.
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.right > window.innerWidth + 1 && el.closest('.app-table-container') === null) {
            out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(box.right)}`);
        }
    }
    return `page is ${root.scrollWidth}px wide at ${window.innerWidth}px: ` + out.slice(0, 5).join('; ');
}"""


@pytest.fixture
def data(transactional_db, employer_a, national_staff):
    """Registrations with long names, approved and submitted claims, so every list and table has rows."""
    load_funding_reference_data()
    national = national_actor(national_staff)
    registrations = [
        register(employer_a, first_name=name, last_name="Montgomery-Fitzwilliam", swe_number=f"SW88800{i}")
        for i, name in enumerate(("Alexandrina", "Bartholomew", "Christabella"), start=1)
    ]
    approve(national, registrations[0])
    with tenant_context(employer_a.employer.pk):
        claim = Claim.objects.filter(registration=registrations[0]).first()
    return {"registration": registrations[0], "claim": claim}


def main_pages(user, employer=None) -> list[str]:
    """Every page of the person's navigation, in order."""
    from asye.accounts.actor import build_actor
    from asye.tenancy.db import tenant_settings

    with tenant_settings(user_id=user.pk):
        actor: Actor = build_actor(user, employer_id=employer.pk if employer else None)
    return [item.url for section in build_navigation(actor, path="/") for item in section.items]


def walk(page, paths: list[str]) -> list[str]:
    problems = []
    for path in paths:
        response = page.goto(path)
        if response is None or response.status != 200:
            problems.append(f"{path}: HTTP {response.status if response else None}")
            continue
        wide = page.evaluate(OVERFLOW)
        if wide:
            problems.append(f"{path}: {wide}")
        violations = [v for v in run_axe(page) if v.get("impact") in ("serious", "critical")]
        if violations:
            problems.append(format_violations(page.url, violations))
    return problems


def check_role(new_context, live_server, sign_in, user, paths, *, viewport=PHONE) -> list[str]:
    page = new_context(viewport=viewport).new_page()
    sign_in(page, live_server, user)
    return [f"{user.email} at {viewport['width']}px, {problem}" for problem in walk(page, paths)]


def test_employer_roles_on_a_phone(live_server, new_context, sign_in, employer_a, data):
    registration = data["registration"]
    problems = []
    for user in (employer_a.coordinator, employer_a.assessor, employer_a.line_manager):
        extra = []
        if user == employer_a.coordinator:  # the others see only the NQSWs they assess or manage
            extra += [
                f"/registrations/{registration.pk}/",
                "/funding/claims/",
                f"/funding/claims/{data['claim'].pk}/",
                "/funding/statements/",
            ]
        problems += check_role(new_context, live_server, sign_in, user, main_pages(user) + extra)
    assert not problems, "\n\n".join(problems)


def test_an_nqsw_on_a_phone(live_server, new_context, sign_in, employer_a, data):
    from tests.portfolios.conftest import linked_registration

    linked_registration(employer_a)
    user = employer_a.nqsw
    problems = check_role(new_context, live_server, sign_in, user, main_pages(user))
    assert not problems, "\n\n".join(problems)


def test_national_staff_and_moderators_on_a_phone(live_server, new_context, sign_in, national_staff, data):
    moderator = person(role=Role.NQAP_MODERATOR, email="moderator@nqap.example")
    national_extra = [
        "/national/funding/claims/",
        f"/national/funding/claims/{data['claim'].pk}/",
        "/national/funding/budget/",
        "/national/funding/statements/",
        "/national/funding/grant-applications/",
        f"/national/registrations/{data['registration'].pk}/",
    ]
    problems = check_role(
        new_context, live_server, sign_in, national_staff, main_pages(national_staff) + national_extra
    )
    problems += check_role(new_context, live_server, sign_in, moderator, main_pages(moderator))
    assert not problems, "\n\n".join(problems)


def test_the_same_pages_on_a_laptop(live_server, new_context, sign_in, employer_a, national_staff, data):
    """At 1280 px the tables show every column and nothing overflows either."""
    problems = check_role(
        new_context,
        live_server,
        sign_in,
        employer_a.coordinator,
        main_pages(employer_a.coordinator),
        viewport=WIDE,
    )
    problems += check_role(
        new_context, live_server, sign_in, national_staff, main_pages(national_staff), viewport=WIDE
    )
    assert not problems, "\n\n".join(problems)
