"""The sections' landing pages for every role (#18 item 1), and the pages #18 added to the lists (the review
list searched, the support needs list, the audit trail's date inputs showing an error), at 1280 px and
375 px: no sideways scroll and no serious or critical axe-core violation."""

from __future__ import annotations

import pytest

from asye.accounts.actor import build_actor
from asye.accounts.models import Role
from asye.tenancy.db import tenant_settings
from asye.web.navigation import build_navigation
from tests.browser.test_phone_width import PHONE, WIDE, check_role, data  # noqa: F401  (data: a fixture)
from tests.factories import person

pytestmark = pytest.mark.browser


def landings(user, employer=None) -> list[str]:
    """The landing page of each of the person's sections that has one."""
    with tenant_settings(user_id=user.pk):
        actor = build_actor(user, employer_id=employer.pk if employer else None)
    return [section.landing for section in build_navigation(actor, path="/") if section.landing]


def test_every_roles_section_landing_pages_at_both_widths(
    live_server, new_context, sign_in, employer_a, national_staff, data  # noqa: F811
):
    from tests.portfolios.conftest import linked_registration

    linked_registration(employer_a)
    moderator = person(role=Role.NQAP_MODERATOR, email="moderator@nqap.example")
    people = [
        employer_a.coordinator,
        employer_a.assessor,
        employer_a.line_manager,
        employer_a.nqsw,
        national_staff,
        moderator,
    ]
    walked = 0
    problems = []
    for user in people:
        paths = landings(user)
        if user == employer_a.coordinator:
            paths += [
                "/reviews/all/?q=montgomery&status=draft",
                "/reviews/all/?q=nobody-at-all",
                "/support-needs/?status=all&q=alex",
                "/audit/?since_day=31&since_month=2&since_year=2026&until_day=1&until_month=1&until_year=2026",
            ]
        walked += len(paths)
        for viewport in (WIDE, PHONE):
            problems += check_role(new_context, live_server, sign_in, user, paths, viewport=viewport)
    assert walked >= 10  # every employer role and national staff have sections of several pages
    assert not problems, "\n\n".join(problems)
