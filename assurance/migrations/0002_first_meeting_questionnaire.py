"""Load version 1 of the QA review meeting's pre-meeting questionnaire (assurance/meeting_questions.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from assurance.meeting_questions import load_first_version

    load_first_version(
        apps.get_model("assurance", "MeetingQuestionnaire"), apps.get_model("assurance", "MeetingQuestion")
    )


def unload(apps, schema_editor):
    apps.get_model("assurance", "MeetingQuestionnaire").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("assurance", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
