"""Reference data as the day the tests were written saw it, moved to the day the run takes as today.

The frameworks' and funding years' own dates are policy, not test data: local authorities' children's ASYE
gives way to the social work induction programme (SWIP) for starts from 1 September 2027, and funding years
are set up to 2027-28. A suite run as if it were 2028 would otherwise find every local authority's child and
family start on the two-year programme and no funding year to claim in. So, for the tests only:

- the switch keeps at least six months ahead of the run's day, moved by whole years (it stays on
  1 September), so tests written for the ASYE stay on it; tests of the switch read its date from the data.
  The switch is data in two places: the SWIP's own first start date (``ProgrammeFramework.available_from``)
  and the availability rows that move local authorities from the children's ASYE to the SWIP
  (``FrameworkAvailability``); both move together. Other employer types keep the children's ASYE;
- funding years exist from three years before the run's day to one after, carried forward as national
  staff would add them (``funding.years``).
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta

from tests.today import TODAY

SWITCH_LEAD = relativedelta(months=6)
CHILDRENS_ASYE = "asye-child-family"
EARLY_CAREER = "ecp-child-family"


def switch_day(today: datetime.date = TODAY) -> datetime.date:
    """The first start date on the early career programme in the tests' world."""
    day = datetime.date(2027, 9, 1)
    while day <= today + SWITCH_LEAD:
        day = day.replace(year=day.year + 1)
    return day


def align_frameworks(today: datetime.date = TODAY) -> None:
    """Move the switch: the SWIP's own first start date and local authorities' availability rows (the
    children's ASYE closes to them the day before; every other employer type keeps it)."""
    from asye.tenancy.models import EmployerType
    from programmes.models import FrameworkAvailability, ProgrammeFramework

    day = switch_day(today)
    ProgrammeFramework.objects.filter(code=EARLY_CAREER).update(available_from=day)
    local_authority = FrameworkAvailability.objects.filter(employer_type=EmployerType.LOCAL_AUTHORITY)
    local_authority.filter(framework__code=CHILDRENS_ASYE, available_until__isnull=False).update(
        available_until=day - datetime.timedelta(days=1)
    )
    local_authority.filter(framework__code=EARLY_CAREER).update(available_from=day)


def align_funding_years(today: datetime.date = TODAY) -> None:
    from funding.models import FundingYear
    from funding.years import funding_years_ensure

    if FundingYear.objects.exists():
        funding_years_ensure(first=today - relativedelta(years=3), last=today + relativedelta(years=1))


def align_reference_data(today: datetime.date = TODAY) -> None:
    align_frameworks(today)
    align_funding_years(today)


def load_reference_data(*, funding: bool = False) -> None:
    """Put the reference data back as the data migrations load it, then move it to the run's day.

    A transactional test (live server, threads) leaves its database empty, reference data included, for
    the next one. Every fixture that puts it back calls this, so none can undo another's work (loading
    the frameworks again once restored the children's ASYE's old closing date after the availability rows
    had replaced it)."""
    from importlib import import_module

    from django.apps import apps as django_apps

    from programmes.models import FrameworkAvailability, ProgrammeFramework

    import_module("programmes.migrations.0002_load_frameworks").load(django_apps, None)
    import_module("programmes.migrations.0004_frameworkversion_published_at").publish_existing(
        django_apps, None
    )
    import_module("portfolios.migrations.0002_load_capability_frameworks").load(django_apps, None)
    if funding:
        import_module("funding.migrations.0003_load_years_and_rates").load(django_apps, None)
    # Only when emptied: rows still in place were already moved to the run's day, and loading the
    # migration's rows beside them would give two copies once aligned.
    if not FrameworkAvailability.objects.exists():
        import_module("programmes.migrations.0005_programme_rules").load_availability(django_apps, None)
    else:  # 0002 put back the children's ASYE's old closing date; availability rows now decide who may use it
        ProgrammeFramework.objects.filter(code=CHILDRENS_ASYE).update(available_until=None)
    align_reference_data()
