"""Disclosure control (security finding #12.1): the minimum national staff set, daily snapshots of the
figures that may be shown (per employer, and national), and the nightly job that takes them."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

from asye.tenancy.rls import EnableNationalOnlyRowLevelSecurity, EnableRowLevelSecurity

TASK = "equality.tasks.take_equality_snapshots"


def add_rule(apps, schema_editor):
    alias = schema_editor.connection.alias
    rule = apps.get_model("equality", "EqualityDisclosureRule")
    if not rule.objects.using(alias).exists():
        rule.objects.using(alias).create(minimum_answers=10)


def schedule(apps, schema_editor):
    alias = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.using(alias).get_or_create(
        minute="30", hour="23", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.using(alias).update_or_create(
        name="Take the equality monitoring snapshots",
        defaults={"task": TASK, "crontab": crontab, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        task=TASK
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("equality", "0001_initial"),
        ("tenancy", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="EqualityDisclosureRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "minimum_answers",
                    models.PositiveIntegerField(
                        default=10,
                        help_text=(
                            "No equality table is shown for a group of NQSWs until at least this many have "
                            "answered, and shown figures change only once this many answers have been given "
                            "or changed since. At least 10. A change applies from each group's next snapshot."
                        ),
                        validators=[
                            django.core.validators.MinValueValidator(10),
                            django.core.validators.MaxValueValidator(1000),
                        ],
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "equality disclosure rule"},
        ),
        migrations.CreateModel(
            name="EqualityNationalSnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("funding_year", models.CharField(max_length=7)),
                ("taken_on", models.DateField()),
                ("taken_at", models.DateTimeField()),
                ("minimum_answers", models.PositiveIntegerField()),
                ("figures", models.JSONField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["funding_year", "-taken_on"], name="equality_eq_funding_cfe94b_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("funding_year", "taken_on"), name="equality_national_one_a_day"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EqualitySnapshot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("funding_year", models.CharField(max_length=7)),
                ("taken_on", models.DateField()),
                ("taken_at", models.DateTimeField()),
                ("minimum_answers", models.PositiveIntegerField()),
                ("figures", models.JSONField()),
                (
                    "employer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="tenancy.employer"
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["employer", "funding_year", "-taken_on"],
                        name="equality_eq_employe_e760a7_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("employer", "funding_year", "taken_on"), name="equality_snapshot_one_a_day"
                    )
                ],
            },
        ),
        # The rule's one row is made before its table refuses everyone but the national scope.
        migrations.RunPython(add_rule, migrations.RunPython.noop),
        EnableNationalOnlyRowLevelSecurity("equality_equalitydisclosurerule"),
        EnableNationalOnlyRowLevelSecurity("equality_equalitynationalsnapshot"),
        EnableRowLevelSecurity("equality_equalitysnapshot"),
        migrations.RunPython(schedule, unschedule),
    ]
