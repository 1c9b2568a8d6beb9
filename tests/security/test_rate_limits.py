"""Rate limits that cannot be walked around (security finding #12.3 and #12.4): behind our proxy each
client is counted on its own address; nobody chooses their address by sending X-Forwarded-For; a sign-in
limit answers 429; guessing API tokens is throttled per address; counters hold under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from asye.api.throttling import CountingRateThrottle
from asye.web.proxy import client_address

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # the address every request arrives from behind the TLS proxy


def bad_sign_in(client, email: str, address: str):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": "wrong"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def test_behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_another(client, employer_a, settings):
    settings.ASYE_TRUSTED_PROXY_COUNT = 1
    for number in range(12):  # the per-address limit is ten a minute; each a different account
        bad_sign_in(client, f"nobody{number}@example.org", "203.0.113.7")
    assert bad_sign_in(client, "nobody-else@example.org", "203.0.113.7").status_code == 429
    response = client.post(
        reverse("account_login"),
        {"login": employer_a.assessor.email, "password": "correct-horse-battery"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 302  # another person behind the same proxy signs in


def test_without_a_trusted_proxy_the_header_is_ignored(client, settings):
    settings.ASYE_TRUSTED_PROXY_COUNT = 0
    statuses = [
        bad_sign_in(client, f"nobody{n}@example.org", f"203.0.113.{n}").status_code for n in range(12)
    ]
    assert statuses[-1] == 429  # rotating the header does not reset the count for the real address


def test_the_client_address_is_the_one_our_last_proxy_saw():
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.7"}
    assert client_address(meta, 0) == PROXY
    assert client_address(meta, 1) == "203.0.113.7"  # the entry our proxy appended, not the client's claim
    assert client_address(meta, 2) == "1.1.1.1"
    assert client_address(meta, 3) == PROXY  # fewer hops than our proxies: it did not come through them
    assert client_address({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-address"}, 1) == PROXY


def test_sign_in_limit_answers_429(client, employer_a):
    statuses = [
        client.post(
            reverse("account_login"), {"login": employer_a.assessor.email, "password": "x"}
        ).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_invalid_tokens_are_throttled_per_address(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "bad_token": "5/minute",
        },
    }
    statuses = [
        client.get(
            "/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer asye_guess{n}", REMOTE_ADDR="203.0.113.9"
        ).status_code
        for n in range(8)
    ]
    assert statuses == [401] * 5 + [429] * 3
    other = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer asye_guess", REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 401  # another address is not held back


def test_the_anonymous_limit_ignores_a_client_sent_forwarded_for(client, settings):
    settings.ASYE_TRUSTED_PROXY_COUNT = 0
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/minute"},
    }
    statuses = [
        client.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


class FiftyAMinute(CountingRateThrottle):
    scope = "test"
    rate = "50/minute"

    def get_rate(self):
        return self.rate

    def get_cache_key(self, request, view):
        return "test:one-client"


def test_the_counter_holds_under_concurrency():
    cache.clear()
    request = RequestFactory().get("/")
    allowed, lock, start = [], threading.Lock(), threading.Barrier(8)

    def hammer():
        start.wait()
        for _ in range(25):
            ok = FiftyAMinute().allow_request(request, None)
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 200 and allowed.count(True) == 50
