import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_audit_trail_shows_one_records_history(client, login, employer_a, register):
    first = register(employer_a)
    second = register(employer_a, swe_number="SW999", email="b@example.org")
    login(employer_a.coordinator)
    html = client.get(
        reverse("audit:list"), {"object_type": "programmes.registration", "object_id": str(first.pk)}
    ).content.decode()
    assert "SW123456" in html and "SW999" not in html
    assert "Showing the history of one record" in html
    assert second.pk != first.pk
