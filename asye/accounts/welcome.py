"""What happens once a person is given a role (``asye.contributions``, kind ``membership_created``): each
listed module's ``membership_created(user_id=, employer_id=, role=)`` is called after the transaction that
granted the role commits (for example the national forums invite a new NQSW at once, rather than at the
next daily scan). A failing hook is logged and does not undo the role; the apps' daily scans find anything
a hook missed."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

from asye.contributions import contributions

logger = logging.getLogger(__name__)


def _run(*, user_id: int, employer_id: int | None, role: str) -> None:
    for module in contributions("membership_created"):
        try:
            module.membership_created(user_id=user_id, employer_id=employer_id, role=role)
        except Exception:
            logger.exception("membership_created hook %s failed for user %s", module.__name__, user_id)


def membership_welcome_on_commit(*, user_id: int, employer_id: int | None, role: str) -> None:
    """Call the ``membership_created`` hooks once the current transaction commits."""
    transaction.on_commit(partial(_run, user_id=user_id, employer_id=employer_id, role=role))
