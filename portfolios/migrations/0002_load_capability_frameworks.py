"""The capability frameworks as published (data, so a wording change is an edit in the admin, not a
release): the PCF's nine domains, the child and family post-qualifying standards (PQS, formerly the KSS)
and the adults knowledge and skills statement. Titles as in shared/CAPABILITIES.md."""

from django.db import migrations
from django.utils import timezone

PCF = [
    "Professionalism",
    "Values and ethics",
    "Diversity and equality",
    "Rights, justice and economic wellbeing",
    "Knowledge",
    "Critical reflection and analysis",
    "Intervention and skills",
    "Contexts and organisations",
    "Professional leadership",
]
CF_PQS = [
    "Relationships and effective direct work",
    "Communication",
    "Child development",
    "Adult mental ill health, substance misuse, domestic abuse, physical ill health and disability",
    "Abuse and neglect of children",
    "Child and family assessment",
    "Analysis, decision-making, planning and review",
    "The law and the family and youth justice systems",
    "The role of supervision",
    "Organisational context",
]
ADULTS_KSS = [
    "The role of social workers working with adults",
    "Person-centred practice",
    "Safeguarding",
    "Mental capacity",
    "Effective assessments and outcome-based support planning",
    "Direct work with individuals and families",
    "Communication",
    "Supervision, critical reflection and analysis",
    "Organisational context",
    "Professional ethics and leadership",
    "Level of capability: social worker in an adult setting at the end of the first year in employment",
]

SETS = [
    dict(
        code="pcf",
        name="Professional Capabilities Framework",
        short_name="PCF",
        kind="pcf",
        service_area="",
        has_self_assessment=False,
        source="BASW, Professional Capabilities Framework for social work in England",
        titles=PCF,
    ),
    dict(
        code="cf-pqs",
        name="Post-qualifying standards for child and family practitioners",
        short_name="PQS",
        kind="standards",
        service_area="child_and_family",
        has_self_assessment=True,
        source="Department for Education, post-qualifying standards: knowledge and skills statement for "
        "child and family practitioners",
        titles=CF_PQS,
    ),
    dict(
        code="adults-kss",
        name="Knowledge and skills statement for social workers in adult services",
        short_name="KSS",
        kind="standards",
        service_area="adults",
        has_self_assessment=False,
        source="Department of Health and Social Care, knowledge and skills statement for social workers in "
        "adult services (2015)",
        titles=ADULTS_KSS,
    ),
]


def load(apps, schema_editor):
    CapabilitySet = apps.get_model("portfolios", "CapabilitySet")
    CapabilityStatement = apps.get_model("portfolios", "CapabilityStatement")
    now = timezone.now()
    for spec in SETS:
        spec = dict(spec)
        titles = spec.pop("titles")
        capability_set, _ = CapabilitySet.objects.get_or_create(
            code=spec["code"], version=1, defaults={**spec, "published_at": now}
        )
        for number, title in enumerate(titles, start=1):
            CapabilityStatement.objects.get_or_create(
                capability_set=capability_set, number=number, defaults={"title": title}
            )


def unload(apps, schema_editor):
    CapabilitySet = apps.get_model("portfolios", "CapabilitySet")
    CapabilityStatement = apps.get_model("portfolios", "CapabilityStatement")
    codes = [spec["code"] for spec in SETS]
    CapabilityStatement.objects.filter(capability_set__code__in=codes, capability_set__version=1).delete()
    CapabilitySet.objects.filter(code__in=codes, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("portfolios", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
