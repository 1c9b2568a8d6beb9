"""Search by name, email or Social Work England number (#18 item 2): lower-case columns the database
works out, each with a btree index a prefix range uses even under row-level security."""

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0006_query_indexes"),
        ("tenancy", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="search_email",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Lower("email"),
                output_field=models.CharField(max_length=254),
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="search_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Lower(
                    django.db.models.functions.text.Concat("first_name", models.Value(" "), "last_name")
                ),
                output_field=models.CharField(max_length=201),
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="search_name_reversed",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Lower(
                    django.db.models.functions.text.Concat("last_name", models.Value(" "), "first_name")
                ),
                output_field=models.CharField(max_length=201),
            ),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(fields=["search_name"], name="programmes_reg_search_name_idx"),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(fields=["search_name_reversed"], name="programmes_reg_search_rev_idx"),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(fields=["search_email"], name="programmes_reg_srch_email_idx"),
        ),
    ]
