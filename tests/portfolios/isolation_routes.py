"""Portfolios's routes that capture an object, for tests/test_isolation.py (see tests/isolation_support.py)."""

from __future__ import annotations

from tests.isolation_support import ObjectRoute

OBJECT_ROUTES: dict[str, ObjectRoute] = {}

EXEMPT: dict[str, str] = {}
