"""The service navigation: at most six sections for every role and mix of roles, the current section and
page marked with aria-current, and the current section's pages as sub-navigation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web import navigation as nav
from tests.factories import MembershipFactory, person
from tests.portfolios.conftest import linked_registration

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<nav aria-label="Menu".*?</nav>', re.S)
SECTION = re.compile(
    r'<li class="govuk-service-navigation__item[^"]*">\s*<a class="govuk-service-navigation__link" '
    r'href="(?P<url>[^"]+)"(?: aria-current="(?P<current>\w+)")?>\s*(?:<strong[^>]*>)?(?P<label>[^<]+)',
    re.S,
)
SUB = re.compile(r'<nav class="app-sub-navigation" aria-label="(?P<name>[^"]+)">(?P<body>.*?)</nav>', re.S)
SUB_LINK = re.compile(r'href="(?P<url>[^"]+)"(?: aria-current="(?P<current>\w+)")?>(?P<label>[^<]+)</a>')


def sections(html: str) -> list[tuple[str, str, str | None]]:
    """(label, url, aria-current) of each top-level entry of the header's navigation."""
    menu = MENU.search(html)
    assert menu, "no service navigation"
    return [(m["label"].strip(), m["url"], m["current"]) for m in SECTION.finditer(menu.group(0))]


def sub_navigation(html: str) -> tuple[str, list[tuple[str, str, str | None]]] | None:
    found = SUB.search(html)
    if not found:
        return None
    return found["name"], [(m["label"], m["url"], m["current"]) for m in SUB_LINK.finditer(found["body"])]


@pytest.fixture
def moderator(db):
    return person(role=Role.NQAP_MODERATOR, email="moderator@nqap.example")


@pytest.fixture
def everything(employer_a):
    """A co-ordinator at employer A who is also an assessor there, national staff and an NQAP moderator."""
    user = employer_a.coordinator
    MembershipFactory(user=user, employer=employer_a.employer, role=Role.ASSESSOR)
    MembershipFactory(user=user, role=Role.NATIONAL_STAFF)
    MembershipFactory(user=user, role=Role.NQAP_MODERATOR)
    return user


def people(employer_a, national_staff, moderator, everything) -> dict:
    return {
        "co-ordinator": employer_a.coordinator,
        "assessor": employer_a.assessor,
        "line manager": employer_a.line_manager,
        "NQSW": employer_a.nqsw,
        "national staff": national_staff,
        "moderator": moderator,
        "several roles": everything,
    }


ROLES = ["co-ordinator", "assessor", "line manager", "NQSW", "national staff", "moderator", "several roles"]


@pytest.mark.parametrize("who", ROLES)
def test_no_one_sees_more_than_six_sections(
    client, login, employer_a, national_staff, moderator, everything, who
):
    linked_registration(employer_a)  # the NQSW has a programme, so a portfolio entry too
    user = people(employer_a, national_staff, moderator, everything)[who]
    login(user)
    html = client.get("/").content.decode()
    top = sections(html)
    assert 1 <= len(top) <= nav.MAX_SECTIONS, top
    assert top[0][:2] == ("Home", "/")
    labels = [label for label, _, _ in top]
    assert len(labels) == len(set(labels)), labels


def test_every_entry_of_several_roles_is_still_reachable(employer_a, everything, login, client):
    """Folding sections keeps their pages: everything the person may use is in some section."""
    actor = login(everything).get("/").wsgi_request.actor
    built = nav.build_navigation(actor, path="/")
    assert len(built) <= nav.MAX_SECTIONS
    reachable = {item.url for section in built for item in section.items}
    assert {item.url for item in nav.all_items(actor)} == reachable
    assert {
        reverse("national_registrations:list"),
        reverse("moderation:index"),
        reverse("programmes:list"),
    } <= (reachable)
    keys = [section.key for section in built]
    assert "registrations" not in keys  # folded into NQSWs, the first fold
    assert {item.section for item in nav.all_items(actor)} - set(keys) <= set(nav.folds())


def test_the_coordinators_sections_are_the_jobs_they_do(client, login, employer_a):
    login(employer_a.coordinator)
    labels = [label for label, _, _ in sections(client.get("/").content.decode())]
    assert labels[:4] == ["Home", "NQSWs", "Reviews", "Funding"]


def test_national_staff_and_moderators_get_their_own_sections(client, login, national_staff, moderator):
    login(national_staff)
    labels = [label for label, _, _ in sections(client.get("/").content.decode())]
    assert labels[:3] == ["Home", "Registrations", "Reviews"] or labels[:2] == ["Home", "Registrations"]
    assert "Funding" in labels and "Moderation" in labels and "NQSWs" not in labels
    login(moderator)
    assert [label for label, _, _ in sections(client.get("/").content.decode())] == ["Home", "Moderation"]


def test_the_current_section_and_page_are_marked(client, login, employer_a):
    login(employer_a.coordinator)
    html = client.get(reverse("reviews:panels")).content.decode()
    current = [(label, current) for label, _, current in sections(html) if current]
    assert current == [("Reviews", "true")]  # in the section, not on its first page
    name, links = sub_navigation(html)
    assert name == "Reviews pages"
    assert ("Reviews", "/reviews/", None) in links
    assert ("Moderation panel", reverse("reviews:panels"), "page") in links

    html = client.get(reverse("reviews:list")).content.decode()
    assert [(label, current) for label, _, current in sections(html) if current] == [("Reviews", "true")]
    assert ("Reviews", "/reviews/", "page") in sub_navigation(html)[1]


def test_a_deeper_page_marks_its_section(client, login, employer_a):
    registration = linked_registration(employer_a)
    login(employer_a.coordinator)
    html = client.get(reverse("programmes:detail", args=[registration.pk])).content.decode()
    assert [(label, current) for label, _, current in sections(html) if current] == [("NQSWs", "true")]
    _, links = sub_navigation(html)
    assert ("Registrations", reverse("programmes:list"), "true") in links


def test_a_page_no_entry_leads_to_is_placed_by_its_namespace(employer_a, login, client):
    """A co-ordinator opening an NQSW's portfolio is in NQSWs, although no entry's URL is a prefix."""
    registration = linked_registration(employer_a)
    actor = login(employer_a.coordinator).get("/").wsgi_request.actor
    path = reverse("portfolios:overview", args=[registration.pk])
    built = nav.build_navigation(actor, path=path, namespace="portfolios")
    assert built.active.key == "nqsws" and built.active.current == "true"


def test_the_home_section_holds_the_coordinators_administration(client, login, employer_a):
    login(employer_a.coordinator)
    name, links = sub_navigation(client.get("/").content.decode())
    assert name == "Home pages"
    labels = [label for label, _, _ in links]
    assert labels[0] == "Home"
    assert [label for label in labels if label in ("Team", "Audit trail", "API tokens")] == [
        "Team",
        "Audit trail",
        "API tokens",
    ]
    assert links[0][2] == "page"


def test_one_page_sections_show_no_sub_navigation(client, login, employer_a):
    login(employer_a.assessor)
    assert sub_navigation(client.get(reverse("programmes:list")).content.decode()) is None


def test_an_nqsws_section_is_their_programme(client, login, employer_a):
    registration = linked_registration(employer_a)
    login(employer_a.nqsw)
    html = client.get(reverse("support:my_programme")).content.decode()
    assert ("My programme", reverse("section", args=["nqsws"]), "true") in sections(html)
    _, links = sub_navigation(html)
    assert ("My programme", reverse("support:my_programme"), "page") in links
    assert ("Portfolio", reverse("portfolios:overview", args=[registration.pk]), None) in links


def test_an_entry_without_a_section_goes_to_its_apps(employer_a, settings, monkeypatch):
    """Entries from an app that names no section (or an unknown one) land in the app's section."""
    import funding.navigation

    monkeypatch.setattr(
        funding.navigation,
        "nav_items",
        lambda actor: [
            {"label": "Claims", "url": "/funding/claims/"},
            {"label": "X", "url": "/x/", "section": "?"},
        ],
    )
    settings.ASYE_CONTRIBUTIONS = {**settings.ASYE_CONTRIBUTIONS, "navigation": ["funding.navigation"]}
    actor = Actor(
        user=employer_a.coordinator, employer=employer_a.employer, roles=frozenset({Role.COORDINATOR})
    )
    items = {item.label: item.section for item in nav.all_items(actor)}
    assert items["Claims"] == "funding" and items["X"] == "funding"


def test_visitors_get_no_navigation(client):
    assert 'aria-label="Menu"' not in client.get("/").content.decode()


def test_the_entry_named_like_its_section_leads_it(employer_a, settings, monkeypatch):
    import sys
    import types

    module = types.ModuleType("forums_like_navigation")
    module.nav_items = lambda actor: [
        {"label": "Surveys", "url": "/surveys/", "section": "forums"},
        {"label": "Forums", "url": "/forums/", "section": "forums"},
    ]
    monkeypatch.setitem(sys.modules, "forums_like_navigation", module)
    settings.ASYE_CONTRIBUTIONS = {**settings.ASYE_CONTRIBUTIONS, "navigation": ["forums_like_navigation"]}
    actor = Actor(user=employer_a.nqsw, employer=employer_a.employer, roles=frozenset({Role.NQSW}))
    forums = next(
        section for section in nav.build_navigation(actor, path="/surveys/") if section.key == "forums"
    )
    assert forums.items[0].url == "/forums/" and [item.label for item in forums.items] == ["Forums", "Surveys"]
    assert forums.url == forums.landing == reverse("section", args=["forums"])
    assert forums.current == "true" and forums.items[1].current == "page"


LANDING_ROLES = ["co-ordinator", "assessor", "line manager", "NQSW", "national staff", "moderator"]


@pytest.mark.parametrize("who", LANDING_ROLES)
def test_each_section_of_several_pages_lands_on_a_page_listing_them(
    client, login, employer_a, national_staff, moderator, everything, who
):
    """#18 item 1: the header's link to a section of several pages goes to the section's landing page, which
    lists every page of the section, is marked as the current page, and leads the sub-navigation."""
    linked_registration(employer_a)
    login(people(employer_a, national_staff, moderator, everything)[who])
    actor = client.get("/").wsgi_request.actor
    built = nav.build_navigation(actor, path="/")
    for section in built:
        if section.key == "home" or len(section.items) == 1:
            assert not section.landing and section.url == section.items[0].url
            continue
        assert section.url == reverse("section", args=[section.key])
        html = client.get(section.url).content.decode()
        assert (section.label, section.url, "page") in sections(html)
        name, links = sub_navigation(html)
        assert name == f"{section.label} pages"
        for item in section.items:
            assert f'<a class="govuk-link" href="{item.url}">{item.label}</a>' in html, (section.key, item)
            assert (item.label, item.url, None) in links
        assert f'href="{section.url}" aria-current="page">Overview' in html


def test_a_section_the_person_does_not_have_is_not_found(client, login, employer_a, moderator):
    login(moderator)
    assert client.get(reverse("section", args=["funding"])).status_code == 404
    assert client.get(reverse("section", args=["home"])).status_code == 404
    assert client.get(reverse("section", args=["nonsense"])).status_code == 404
    login(employer_a.coordinator)
    assert client.get(reverse("section", args=["moderation"])).status_code == 404
    assert client.post(reverse("section", args=["reviews"])).status_code == 405


def test_visitors_are_asked_to_sign_in_for_a_section(client):
    assert client.get(reverse("section", args=["reviews"])).status_code == 302
