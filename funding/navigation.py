"""This app's entries in the service navigation (asye.web.context_processors)."""

from __future__ import annotations

from asye.accounts.actor import Actor


def nav_items(actor: Actor) -> list[dict]:
    """Entries as ``{"label": ..., "url": ...}`` for the actor's roles; none yet."""
    return []
