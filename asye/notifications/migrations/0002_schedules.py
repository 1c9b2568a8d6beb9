"""Schedule the notification jobs in the database (django-celery-beat): the outbox sweep every minute, the
daily reminders at 06:30, the digest at 07:00 and the weekly reminders on Mondays at 07:15 (London)."""

import json

from django.db import migrations

SCHEDULES = [
    # name, task, kwargs, crontab (minute, hour, day_of_week)
    ("Send the email outbox", "asye.notifications.tasks.outbox_sweep", {}, ("*", "*", "*")),
    ("Daily reminders", "asye.notifications.tasks.reminders_scan", {"cadence": "daily"}, ("30", "6", "*")),
    ("Daily notification digest", "asye.notifications.tasks.notifications_digest", {}, ("0", "7", "*")),
    ("Weekly reminders", "asye.notifications.tasks.reminders_scan", {"cadence": "weekly"}, ("15", "7", "1")),
]


def schedule(apps, schema_editor):
    alias = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, kwargs, (minute, hour, day_of_week) in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.using(alias).get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/London",
        )
        PeriodicTask.objects.using(alias).update_or_create(
            name=name,
            defaults={"task": task, "kwargs": json.dumps(kwargs), "crontab": crontab, "enabled": True},
        )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(
        name__in=[name for name, *_ in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
