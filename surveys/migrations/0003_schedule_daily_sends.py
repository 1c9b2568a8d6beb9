"""Schedule the surveys' daily task: invitations on a round's invitation day, reminders on its reminder
days (surveys.tasks.send_due_survey_emails)."""

from django.db import migrations

TASK = "surveys.tasks.send_due_survey_emails"


def schedule(apps, schema_editor):
    alias = schema_editor.connection.alias
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.using(alias).get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.using(alias).update_or_create(
        name="Send the annual surveys' invitations and reminders due today",
        defaults={"task": TASK, "crontab": crontab, "enabled": True},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.using(schema_editor.connection.alias).filter(
        task=TASK
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_first_questionnaires"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
