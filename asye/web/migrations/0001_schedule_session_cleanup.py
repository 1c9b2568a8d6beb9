"""Schedule the nightly clean-up of expired sessions in the database (django-celery-beat)."""

from django.db import migrations

TASK = "asye.web.tasks.clear_expired_sessions"


def schedule(apps, schema_editor):
    alias = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.using(alias).get_or_create(
        minute="30", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.using(alias).update_or_create(
        name="Delete expired sessions", defaults={"task": TASK, "crontab": crontab, "enabled": True}
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        task=TASK
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(schedule, unschedule)]
