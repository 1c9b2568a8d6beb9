"""National API tokens in tests: issued through the national staff's page, as a person would."""

from __future__ import annotations

from django.urls import reverse


def national_token(client, login, user, *, name: str = "Reporting system", days: int = 30) -> str:
    """A national token of ``user`` (national staff), created on the page; the client is signed out
    after, so calls carry only the token."""
    login(user)
    response = client.post(reverse("national_api_tokens:list"), {"name": name, "days": days})
    assert response.status_code == 200, response.content
    secret = response.context["secret"]
    client.logout()
    return secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
