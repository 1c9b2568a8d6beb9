"""The shape of an isolation case, shared by tests/test_isolation.py and each app's isolation_routes.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ObjectRoute:
    """``make(employer_b, unscoped)`` returns employer B's object (a model instance with ``pk``);
    ``kwargs(obj)`` the URL keyword arguments that address it (an ``int`` ``pk`` by default), and
    ``missing()`` those of an object that does not exist."""

    make: Callable
    kwargs: Callable = lambda obj: {"pk": obj.pk}
    missing: Callable = lambda: {"pk": 10**9}
