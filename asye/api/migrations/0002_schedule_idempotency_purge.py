"""Schedule the nightly purge of idempotency records in the database (django-celery-beat)."""

from django.db import migrations

TASK = "asye.api.tasks.purge_idempotency_records"


def schedule(apps, schema_editor):
    alias = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.using(alias).get_or_create(
        minute="15", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.using(alias).update_or_create(
        name="Purge idempotency records older than 24 hours",
        defaults={"task": TASK, "crontab": crontab, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        task=TASK
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
