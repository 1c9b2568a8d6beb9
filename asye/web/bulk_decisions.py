"""A national list's bulk decision (funding's claims, programmes' registrations), besides its two steps in
``asye.web.flow`` (``bulk_check``, ``bulk_decide``): the decision's choices, the check page's form (the
signed selection of the rows checked, the decision made on the list, the note a refusal needs) and what the
check page says of the rows."""

from django import forms
from django.db.models import Count, QuerySet

from asye.web.forms import DecisionForm

APPROVE, REJECT = "approve", "reject"
# The decision asked on the list (radios) and carried, hidden, to the check page.
DECISIONS = [(APPROVE, "Approve"), (REJECT, "Reject")]
SHOWN = 25  # the rows, and the employers, a check page lists


class BulkConfirmForm(DecisionForm):
    """The check page's answer: the signed ``selection`` and the ``decision`` chosen on the list (both
    hidden) and, to reject, the note. Subclasses add the note's field and name it, with its message when
    left blank (``note_field``, ``note_required``: the service's words, which it checks again)."""

    refusal = REJECT
    selection = forms.CharField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)


def check_summary(rows: QuerySet, **totals) -> dict:
    """What a check page says of the ``rows`` chosen, read in SQL, not row by row: how many (``count``)
    and their ``totals`` (aggregates by name, such as ``total=Sum("amount")``), the same by employer for
    the ``SHOWN`` employers with the most rows (``by_employer``) of how many (``employers``), and the
    first ``SHOWN`` rows (``shown``)."""
    by_employer = (
        rows.order_by()
        .values("employer__name")
        .annotate(count=Count("pk"), **totals)
        .order_by("-count", "employer__name")
    )
    return {
        **rows.aggregate(count=Count("pk"), **totals),
        "by_employer": list(by_employer[:SHOWN]),
        "employers": by_employer.count(),
        "shown": list(rows[:SHOWN]),
    }
