"""Every page a person reaches from their home answers, and the layout is the GOV.UK one."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_visitors_get_the_start_page_and_the_public_pages(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Sign in" in response.content
    for name in ("pages:accessibility", "pages:privacy", "pages:cookies", "account_login"):
        assert client.get(reverse(name)).status_code == 200, name


@pytest.mark.parametrize(
    "role_attr, expected",
    [
        ("coordinator", "Manage your team"),
        ("assessor", "As an assessor"),
        ("line_manager", "As a line manager"),
        ("nqsw", "Your assessed and supported year"),
    ],
)
def test_each_employer_role_reaches_its_home(client, login, employer_a, role_attr, expected):
    login(getattr(employer_a, role_attr))
    response = client.get("/")
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert employer_a.employer.name in response.content.decode()


def test_national_staff_reach_the_national_pages(client, login, national_staff, employer_a, employer_b):
    login(national_staff)
    home = client.get("/").content.decode()
    assert "National overview" in home
    for name in ("national:overview", "national:employers", "national:audit"):
        assert client.get(reverse(name)).status_code == 200, name
    page = client.get(reverse("national:employers")).content.decode()
    assert employer_a.employer.name in page and employer_b.employer.name in page


def test_every_link_on_each_home_page_resolves(client, login, employer_a, national_staff):
    import re

    for user in (employer_a.coordinator, employer_a.assessor, employer_a.nqsw, national_staff):
        client.logout()
        login(user)
        html = client.get("/").content.decode()
        for href in set(re.findall(r'href="(/[^"#]*)"', html)):
            if href.startswith("/static/") or href.startswith("/api/"):
                continue
            status = client.get(href).status_code
            assert status in (200, 302), (user.email, href, status)
