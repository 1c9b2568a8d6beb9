"""Amendments of assessed records: changes to a complete observation or accepted evidence, and the NQSW's
later reflections on them, each kept with its old and new value, reason, author and time."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from asye.tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0002_load_capability_frameworks"),
        ("tenancy", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EvidenceAmendment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("field", models.CharField(max_length=50)),
                ("old_value", models.TextField(blank=True)),
                ("new_value", models.TextField(blank=True)),
                ("reason", models.TextField(blank=True, help_text="Empty only for a later reflection.")),
                ("amended_at", models.DateTimeField(auto_now_add=True)),
                (
                    "amended_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "employer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tenancy.employer"
                    ),
                ),
                (
                    "evidence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="amendments",
                        to="portfolios.evidence",
                    ),
                ),
            ],
            options={
                "ordering": ["amended_at", "id"],
                "abstract": False,
                "indexes": [
                    models.Index(fields=["employer", "evidence"], name="portfolios__employe_030ade_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("reason", ""), _negated=True),
                            ("field", "later_reflection"),
                            _connector="OR",
                        ),
                        name="portfolios_evidenceamendment_reason",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ObservationAmendment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("field", models.CharField(max_length=50)),
                ("old_value", models.TextField(blank=True)),
                ("new_value", models.TextField(blank=True)),
                ("reason", models.TextField(blank=True, help_text="Empty only for a later reflection.")),
                ("amended_at", models.DateTimeField(auto_now_add=True)),
                (
                    "amended_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "employer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tenancy.employer"
                    ),
                ),
                (
                    "observation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="amendments",
                        to="portfolios.observation",
                    ),
                ),
            ],
            options={
                "ordering": ["amended_at", "id"],
                "abstract": False,
                "indexes": [
                    models.Index(fields=["employer", "observation"], name="portfolios__employe_5245fe_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("reason", ""), _negated=True),
                            ("field", "later_reflection"),
                            _connector="OR",
                        ),
                        name="portfolios_observationamendment_reason",
                    )
                ],
            },
        ),
        EnableRowLevelSecurity("portfolios_evidenceamendment"),
        EnableRowLevelSecurity("portfolios_observationamendment"),
    ]
