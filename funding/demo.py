"""Demo data for this app, called by ``manage.py seed_demo`` inside the system national scope."""

from __future__ import annotations

from collections import Counter


def seed(*, employer_ids: dict[str, int], user_ids: dict[str, int]) -> Counter[str]:
    """Create what is missing (a second run creates nothing); return counts of what was created."""
    return Counter()
