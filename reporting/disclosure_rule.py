"""The disclosure threshold national staff set: reading it, and changing it (audited)."""

from __future__ import annotations

from django.db import transaction

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.errors import Conflict
from asye.records import versioned_update
from reporting.models import DEFAULT_THRESHOLD, DisclosureRule

STALE = "Someone else changed the threshold while you were editing it. Check it and try again."


def disclosure_rule() -> DisclosureRule:
    """The one rule (unsaved, at the default, until national staff first change it). Read it inside a
    national scope: its table has national-only row-level security."""
    return DisclosureRule.objects.order_by("pk").first() or DisclosureRule(threshold=DEFAULT_THRESHOLD)


def disclosure_threshold() -> int:
    return disclosure_rule().threshold


@transaction.atomic
def disclosure_rule_update(*, actor: Actor, threshold: int, version: int | None) -> DisclosureRule:
    """Set the threshold for every publication made from now on (runs already made keep theirs)."""
    actor.require(Role.NATIONAL_STAFF)
    rule = disclosure_rule()
    before = rule.threshold
    if rule.pk is None:
        if version not in (None, rule.version):
            raise Conflict(STALE)
        # The default counts as version 1, so the first saved rule is version 2: a form read before it
        # was saved is stale.
        rule.updated_by, rule.threshold, rule.version = actor.user, threshold, rule.version + 1
        rule.save()
    else:
        rule = versioned_update(
            rule,
            version,
            STALE,
            threshold=threshold,
            updated_by=actor.user,
        )
    if before != threshold:
        audit_record(
            actor=actor,
            obj=rule,
            action="reporting.disclosure_threshold_changed",
            employer_id=None,
            changes={"threshold": [before, threshold]},
        )
    return rule
