"""The capability statements of a registration: the one list every form that offers capabilities uses
(evidence, observations, PDP objectives, a review's practice examples)."""

from __future__ import annotations

from portfolios.access import capability_sets_for, pcf_first, portfolio_statements
from portfolios.models import CapabilityStatement, Portfolio
from programmes.models import Registration


def registration_statements(registration: Registration) -> list[CapabilityStatement]:
    """Every capability statement the registration's evidence is mapped to, PCF first, in number order:
    its portfolio's frameworks once it is started (kept for its lifetime), and until then the ones it will
    start with, the newest published PCF and the standards of the framework's service area. Reads only:
    nothing is started by asking."""
    portfolio = Portfolio.objects.filter(registration=registration).first()
    if portfolio is not None:
        return portfolio_statements(portfolio)
    sets = pcf_first(capability_sets_for(registration))
    order = {s.pk: i for i, s in enumerate(sets)}
    statements = CapabilityStatement.objects.filter(capability_set__in=sets).select_related("capability_set")
    return sorted(statements, key=lambda st: (order[st.capability_set_id], st.number))
