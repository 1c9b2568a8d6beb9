"""API rate limits that hold under concurrency: fixed-window counters incremented atomically in the
cache (Redis ``INCR``), not DRF's default read-modify-write history list, which let 637 of 640 concurrent
requests through a 600-a-minute limit. Addresses come from ``REMOTE_ADDR``, which
``asye.web.proxy.TrustedProxyMiddleware`` has already set to the client's address."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django_redis.client import DefaultClient
from redis.exceptions import RedisError
from rest_framework.exceptions import Throttled
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from asye import clock

logger = logging.getLogger(__name__)


def _window(key: str, duration: int) -> tuple[str, int]:
    """The cache key of the current fixed window for ``key``, and the seconds left in it."""
    now = int(clock.now().timestamp())
    window = now // duration
    return f"rate:{key}:{window}", (window + 1) * duration - now


def _redis_window_count(cache_key: str, timeout: int) -> int | None:
    """On Redis (django-redis), the counter's creation with its expiry and the increment in one round trip
    (a MULTI of ``SET NX EX`` and ``INCR``), instead of ``add`` and ``incr`` (two, ``incr`` an ``EVAL``):
    every API call counts once (#14). None: not a django-redis cache. 0: Redis unreachable (logged)."""
    client = getattr(cache, "client", None)
    if not isinstance(client, DefaultClient):
        return None
    key = client.make_key(cache_key)
    try:
        pipeline = client.get_client(write=True).pipeline(transaction=True)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        return pipeline.execute()[1]
    except RedisError:
        if not getattr(cache, "_ignore_exceptions", False):  # as django-redis does (IGNORE_EXCEPTIONS)
            raise
        logger.exception("Rate limit not counted: the cache is unreachable")
        return 0


def window_count(key: str, duration: int) -> tuple[int, int]:
    """Add one to the counter of the current fixed window for ``key``: (count now, seconds left)."""
    cache_key, seconds_left = _window(key, duration)
    counted = _redis_window_count(cache_key, duration + 1)
    if counted is not None:
        return counted, seconds_left
    cache.add(cache_key, 0, timeout=duration + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: start the window again
        cache.add(cache_key, 1, timeout=duration + 1)
        count = 1
    # None: the cache is unreachable (its errors are logged, not raised): count nothing rather than refuse
    # every call while Redis restarts.
    return count or 0, seconds_left


class CountingRateThrottle(SimpleRateThrottle):
    """A rate as DRF writes it ("600/minute"), counted per fixed window with an atomic increment."""

    def get_rate(self):
        # Read at request time (not import time) so operators and tests can change it in settings.
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        count, self._wait = window_count(key, self.duration)
        return count <= self.num_requests

    def wait(self):
        return getattr(self, "_wait", None)


class ClientRateThrottle(CountingRateThrottle):
    """A rate per API token, or per signed-in person using the browsable API."""

    scope = "client"

    def get_cache_key(self, request, view):
        if request.auth is not None and getattr(request.auth, "pk", None):
            # National and employer tokens are numbered apart: each counts on its own.
            kind = "national-token" if getattr(request.auth, "is_national", False) else "token"
            ident = f"{kind}:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousRateThrottle(CountingRateThrottle, AnonRateThrottle):
    """A rate per client address for calls with no credentials (DRF's key, counted atomically)."""


class BadTokenThrottle(CountingRateThrottle):
    """Failed token checks per client address: guessing tokens is slowed to a trickle, and an address over
    the limit is refused before its next token is even looked up."""

    scope = "bad_token"

    def _key(self, request) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def check(self, request) -> None:
        """Raise 429 if this address has already failed too often in the current window."""
        if self.rate is None:
            return
        cache_key, seconds_left = _window(self._key(request), self.duration)
        if cache.get(cache_key, 0) >= self.num_requests:
            raise Throttled(wait=seconds_left)

    def failed(self, request) -> None:
        if self.rate is not None:
            window_count(self._key(request), self.duration)
