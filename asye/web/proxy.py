"""Who is asking: the client's address, read once, as the trusted proxies in front of the service saw it.

Behind the TLS proxy the operations guide recommends, every request arrives from the proxy's address, so
a per-address limit (ten failed sign-ins) would lock everyone out at once. ``ASYE_TRUSTED_PROXY_COUNT``
says how many proxies of our own stand in front (0: none, the default). This middleware, first in the
chain, puts the client's address in ``REMOTE_ADDR`` and removes ``X-Forwarded-For``, so every reader
(allauth's sign-in limits, the API's throttles, the audit trail) sees one answer and nobody can choose
their own address by sending the header: with no trusted proxy it is ignored, and behind N proxies only
the entry the N-th proxy appended counts.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(meta: dict, trusted_proxies: int) -> str:
    """The client's address from a request's META, trusting ``trusted_proxies`` proxies' X-Forwarded-For."""
    remote = meta.get("REMOTE_ADDR", "")
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if trusted_proxies <= 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    if len(entries) < trusted_proxies:
        return remote  # fewer hops than our proxies add: the request did not come through them
    candidate = entries[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class TrustedProxyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META["REMOTE_ADDR"] = client_address(request.META, settings.ASYE_TRUSTED_PROXY_COUNT)
        request.META.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)
