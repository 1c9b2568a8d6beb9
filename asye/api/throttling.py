"""API rate limits that hold under concurrency: fixed-window counters incremented atomically in the
cache (Redis ``INCR``), not DRF's default read-modify-write history list, which let 637 of 640 concurrent
requests through a 600-a-minute limit. Addresses come from ``REMOTE_ADDR``, which
``asye.web.proxy.TrustedProxyMiddleware`` has already set to the client's address."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django_redis.client import DefaultClient
from redis.commands.core import Script
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


# The counter's creation with its expiry, its increment and (optionally) another counter's read, run by
# Redis as one script: one command and one reply, where a MULTI of the same commands sent five of each and
# cost the web worker a third more (#14). Scripts run atomically, as the MULTI did.
_WINDOW_COUNT_LUA = """
redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX')
local count = redis.call('INCR', KEYS[1])
local other = false
if #KEYS > 1 then other = redis.call('GET', KEYS[2]) end
return {count, other}
"""
_window_count_script: Script | None = None


def _redis_window_count(
    cache_key: str, timeout: int, *, also_read: str | None = None
) -> tuple[int, int] | None:
    """On Redis (django-redis), the counter's creation with its expiry and the increment in one round trip
    (a script of ``SET NX EX`` and ``INCR``), instead of ``add`` and ``incr`` (two): every API call counts
    once (#14). ``also_read``: another counter read (``GET``) in the same round trip. (count, the other
    counter or 0); None: not a django-redis cache; (0, 0): Redis unreachable (logged)."""
    global _window_count_script
    client = getattr(cache, "client", None)
    if not isinstance(client, DefaultClient):
        return None
    keys = [client.make_key(cache_key)]
    if also_read is not None:
        keys.append(client.make_key(also_read))
    try:
        redis = client.get_client(write=True)
        if _window_count_script is None:  # the digest is worked out once; EVALSHA loads it if need be
            _window_count_script = Script(redis, _WINDOW_COUNT_LUA)
        count, other = _window_count_script(keys=keys, args=[timeout], client=redis)
    except RedisError:
        if not getattr(cache, "_ignore_exceptions", False):  # as django-redis does (IGNORE_EXCEPTIONS)
            raise
        logger.exception("Rate limit not counted: the cache is unreachable")
        return 0, 0
    return count, client.decode(other) if other is not None else 0


def window_count(key: str, duration: int, *, also_read: str | None = None) -> tuple[int, int, int]:
    """Add one to the counter of the current fixed window for ``key``: (count now, seconds left, and the
    value of the counter ``also_read`` (a cache key), read in the same round trip on Redis, or 0)."""
    cache_key, seconds_left = _window(key, duration)
    counted = _redis_window_count(cache_key, duration + 1, also_read=also_read)
    if counted is not None:
        return counted[0], seconds_left, counted[1]
    other = cache.get(also_read, 0) if also_read is not None else 0
    cache.add(cache_key, 0, timeout=duration + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: start the window again
        cache.add(cache_key, 1, timeout=duration + 1)
        count = 1
    # None: the cache is unreachable (its errors are logged, not raised): count nothing rather than refuse
    # every call while Redis restarts.
    return count or 0, seconds_left, other or 0


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
        count, self._wait, _ = window_count(key, self.duration)
        return count <= self.num_requests

    def wait(self):
        return getattr(self, "_wait", None)


# The request attribute where an employer token's call leaves its counted window (see ``BadTokenThrottle``).
COUNTED_WINDOW = "asye_counted_client_window"


class ClientRateThrottle(CountingRateThrottle):
    """A rate per API token, or per signed-in person using the browsable API."""

    scope = "client"

    @classmethod
    def token_key(cls, key_hash: str) -> str:
        """An employer token's key: its hash (known before its row is read, see ``BadTokenThrottle``)."""
        return cls.cache_format % {"scope": cls.scope, "ident": f"token:{key_hash}"}

    def get_cache_key(self, request, view):
        if request.auth is not None and getattr(request.auth, "pk", None):
            if getattr(request.auth, "is_national", False):  # counted apart from employer tokens
                return self.cache_format % {"scope": self.scope, "ident": f"national-token:{request.auth.pk}"}
            return self.token_key(request.auth.key_hash)
        if request.user and request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": f"user:{request.user.pk}"}
        return None

    def allow_request(self, request, view):
        counted = getattr(request._request, COUNTED_WINDOW, None)
        if counted is None or self.rate is None or counted[0] != self.get_cache_key(request, view):
            return super().allow_request(request, view)
        _, count, self._wait = counted  # this call, already counted by the token check
        return count <= self.num_requests


class AnonymousRateThrottle(CountingRateThrottle, AnonRateThrottle):
    """A rate per client address for calls with no credentials (DRF's key, counted atomically)."""


class BadTokenThrottle(CountingRateThrottle):
    """Failed token checks per client address: guessing tokens is slowed to a trickle, and an address over
    the limit is refused before its next token is even looked up."""

    scope = "bad_token"

    def _key(self, request) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def check(self, request, *, key_hash: str | None = None) -> None:
        """Raise 429 if this address has already failed too often in the current window.

        ``key_hash``: the hash of the employer API token presented. Its call is then counted in the
        token's own window (``ClientRateThrottle``) in the same Redis round trip as this read, and the
        count left on the request for that throttle: one round trip per token call for both limits, not
        two (#14). A token that turns out not to be valid has counted a window nobody owns."""
        failures_key, seconds_left = (
            _window(self._key(request), self.duration) if self.rate is not None else (None, 0)
        )
        client = ClientRateThrottle()
        if key_hash is not None and client.rate is not None:
            client_key = client.token_key(key_hash)
            count, wait, failures = window_count(client_key, client.duration, also_read=failures_key)
            setattr(request._request, COUNTED_WINDOW, (client_key, count, wait))
        else:
            failures = cache.get(failures_key, 0) if failures_key is not None else 0
        if failures_key is not None and failures >= self.num_requests:
            raise Throttled(wait=seconds_left)

    def failed(self, request) -> None:
        if self.rate is not None:
            window_count(self._key(request), self.duration)
