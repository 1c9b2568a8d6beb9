"""The API's keyset sync on (updated_at, id) within an employer (#14 item 3), for reviews and final
recommendations: the (employer, updated_at) indexes gain the id that breaks ties."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_moderation_capability_answers")]

    operations = [
        migrations.RemoveIndex(model_name="review", name="reviews_rev_employe_e9f0af_idx"),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(fields=["employer", "updated_at", "id"], name="reviews_review_sync_idx"),
        ),
        migrations.RemoveIndex(model_name="finalrecommendation", name="reviews_fin_employe_adc94b_idx"),
        migrations.AddIndex(
            model_name="finalrecommendation",
            index=models.Index(fields=["employer", "updated_at", "id"], name="reviews_final_sync_idx"),
        ),
    ]
