"""A person given a role hears of their forums at once (``asye.contributions``, kind
``membership_created``, called after the role's transaction commits): the invitations and, for an NQSW,
the private GEMS notice that the daily national scans (``forums.reminders``) would otherwise send the next
morning. They go through the same scans' ``find`` and sent-log, so the daily scan never sends them again."""

from __future__ import annotations

from django.db import transaction

from asye import clock
from asye.accounts.models import Role
from asye.notifications.reminders import national_send_once
from asye.tenancy.db import system_national_context
from forums import reminders

INVITED_ROLES = (Role.NQSW, Role.ASSESSOR, Role.COORDINATOR)


def membership_created(*, user_id: int, employer_id: int | None, role: str) -> int:
    """Send the new member's forum notices now; returns how many were sent (0: none due or already sent)."""
    if role not in INVITED_ROLES:
        return 0
    scans = {scan.name: scan for scan in reminders.SCANS}
    today = clock.today()
    sent = 0
    with system_national_context(), transaction.atomic():
        for due in reminders.find_invitations(today=today, person_id=user_id):
            sent += national_send_once(scan=scans["forums.invitations"], due=due)
        if role == Role.NQSW:
            for due in reminders.find_gems_notices(today=today, person_id=user_id):
                sent += national_send_once(scan=scans["forums.gems_notice"], due=due)
    return sent
