"""Schedule the sweep that sends lost jobs to a worker again (``asye.jobs.recovery``) every minute."""

from django.db import migrations

NAME = "Send lost background jobs again"
TASK = "asye.jobs.tasks.jobs_resend_stalled"


def schedule(apps, schema_editor):
    alias = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.using(alias).get_or_create(
        minute="*",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/London",
    )
    PeriodicTask.objects.using(alias).update_or_create(
        name=NAME, defaults={"task": TASK, "kwargs": "{}", "crontab": crontab, "enabled": True}
    )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.using(schema_editor.connection.alias).filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_job_summary_and_history_index"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
