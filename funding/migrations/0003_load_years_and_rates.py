"""Funding years 2025-26 to 2027-28 and their rates, as data. National staff edit them in the admin.

Child and family ASYE (DfE): £2,000 per NQSW, £1,000 at registration and £1,000 at completion. Adults ASYE
(DHSC): the department sets £1,000 to £2,000 a year; loaded as £1,000 + £1,000 until it confirms a year's
rate. The early career programme (from September 2027) has its own rows, first in 2027-28. Claims must
be submitted by the year's claim deadline (the second Friday of March); later claims roll forward.
"""

import datetime
from decimal import Decimal

from django.db import migrations

YEARS = [
    ("2025-26", datetime.date(2025, 4, 1), datetime.date(2026, 3, 31), datetime.date(2026, 3, 13)),
    ("2026-27", datetime.date(2026, 4, 1), datetime.date(2027, 3, 31), datetime.date(2027, 3, 12)),
    ("2027-28", datetime.date(2027, 4, 1), datetime.date(2028, 3, 31), datetime.date(2028, 3, 10)),
]
THOUSAND = Decimal("1000.00")
ADULTS_NOTE = (
    "DHSC sets the adults ASYE rate each year, between £1,000 and £2,000 per NQSW. Change these amounts "
    "when the year's rate is confirmed: claims already made keep the amount they were made with."
)
CHILD_AND_FAMILY_NOTE = "£2,000 per NQSW: £1,000 at registration and £1,000 at completion."
ECP_NOTE = (
    "The early career programme (two years, from September 2027) is funded by DfE. Loaded as the children's "
    "ASYE rate until DfE confirms its own: change these amounts when it does."
)
# (framework code, years, set by, note)
RATES = [
    ("asye-child-family", ("2025-26", "2026-27", "2027-28"), "DfE", CHILD_AND_FAMILY_NOTE),
    ("asye-adults", ("2025-26", "2026-27", "2027-28"), "DHSC", ADULTS_NOTE),
    ("ecp-child-family", ("2027-28",), "DfE", ECP_NOTE),
]


def load(apps, schema_editor):
    """Create the years and rates that are missing; never change ones national staff have edited."""
    alias = schema_editor.connection.alias if schema_editor is not None else "default"
    FundingYear = apps.get_model("funding", "FundingYear")
    FundingRate = apps.get_model("funding", "FundingRate")
    ProgrammeFramework = apps.get_model("programmes", "ProgrammeFramework")
    years = {}
    for label, starts_on, ends_on, deadline in YEARS:
        years[label], _ = FundingYear.objects.using(alias).get_or_create(
            label=label, defaults={"starts_on": starts_on, "ends_on": ends_on, "claim_deadline": deadline}
        )
    for code, labels, set_by, note in RATES:
        framework = ProgrammeFramework.objects.using(alias).filter(code=code).first()
        if framework is None:
            continue
        for label in labels:
            for instalment in ("registration", "completion"):
                FundingRate.objects.using(alias).get_or_create(
                    funding_year=years[label],
                    framework=framework,
                    instalment=instalment,
                    defaults={"amount": THOUSAND, "set_by": set_by, "notes": note},
                )


def unload(apps, schema_editor):
    alias = schema_editor.connection.alias
    apps.get_model("funding", "FundingRate").objects.using(alias).all().delete()
    apps.get_model("funding", "FundingYear").objects.using(alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_statement_guards"), ("programmes", "0002_load_frameworks")]

    operations = [migrations.RunPython(load, unload)]
