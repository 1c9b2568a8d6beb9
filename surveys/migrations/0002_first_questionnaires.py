"""Load version 1 of the leads', assessors' and NQSWs' questionnaires (surveys/questionnaire_data.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from surveys.questionnaire_data import load_first_version

    load_first_version(apps.get_model("surveys", "Questionnaire"), apps.get_model("surveys", "Question"))


def unload(apps, schema_editor):
    apps.get_model("surveys", "Questionnaire").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
