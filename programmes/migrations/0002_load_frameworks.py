"""The programme frameworks as data: the child and family and adults ASYE, and the two-year early
career programme that replaces the children's ASYE from September 2027. National staff edit them in
the admin by publishing new versions."""

import datetime

from django.db import migrations

FRAMEWORKS = [
    {
        "code": "asye-child-family",
        "name": "ASYE: child and family",
        "service_area": "child_and_family",
        "available_from": datetime.date(2010, 4, 1),
        # Children's ASYE starts close when the early career programme opens.
        "available_until": datetime.date(2027, 8, 31),
        "length_months": 12,
    },
    {
        "code": "asye-adults",
        "name": "ASYE: adults",
        "service_area": "adults",
        "available_from": datetime.date(2010, 4, 1),
        "available_until": None,
        "length_months": 12,
    },
    {
        "code": "ecp-child-family",
        "name": "Early career programme: child and family (two years)",
        "service_area": "child_and_family",
        "available_from": datetime.date(2027, 9, 1),
        "available_until": None,
        "length_months": 24,
    },
]


def load(apps, schema_editor):
    # Through the migration's own connection (the owner's), not the application's.
    alias = schema_editor.connection.alias if schema_editor is not None else "default"
    ProgrammeFramework = apps.get_model("programmes", "ProgrammeFramework")
    FrameworkVersion = apps.get_model("programmes", "FrameworkVersion")
    for spec in FRAMEWORKS:
        spec = dict(spec)
        length = spec.pop("length_months")
        framework, _ = ProgrammeFramework.objects.using(alias).update_or_create(
            code=spec.pop("code"), defaults=spec
        )
        reviews = [3, 6, 12] if length == 12 else [3, 6, 12, 18, 24]
        FrameworkVersion.objects.using(alias).get_or_create(
            framework=framework,
            version=1,
            defaults={
                "length_months": length,
                "review_months": reviews,
                "optional_review_months": [9] if length == 12 else [],
                "notes": "Skills for Care guidance: supervision weekly for 6 weeks, fortnightly to 6 months, "
                "monthly after; 10% protected development time; caseload at most 90% of the team average.",
            },
        )


def unload(apps, schema_editor):
    alias = schema_editor.connection.alias
    apps.get_model("programmes", "FrameworkVersion").objects.using(alias).filter(
        registrations__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
