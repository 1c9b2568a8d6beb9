"""Indexes that serve the queries (#14 item 3): the lists' order within an employer, the API's keyset sync
on (updated_at, id), and national staff's queue (funding awaiting approval; open national reviews)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("programmes", "0005_programme_rules")]

    operations = [
        migrations.RemoveIndex(model_name="registration", name="programmes__employe_82a51a_idx"),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                fields=["employer", "last_name", "first_name", "id"], name="programmes_reg_list_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(fields=["employer", "updated_at", "id"], name="programmes_reg_sync_idx"),
        ),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(
                condition=models.Q(("funding_status", "awaiting_approval")),
                fields=["created_at", "id"],
                name="programmes_reg_awaiting_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="nationalreview",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["registration"],
                name="programmes_review_open_idx",
            ),
        ),
    ]
