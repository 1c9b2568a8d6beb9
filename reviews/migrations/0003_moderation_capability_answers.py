"""The moderator's question matches the case: on a portfolio with no final recommendation they say whether
the evidence shows the NQSW meeting the capabilities at the expected level (three new answers), not whether
it supports a recommendation there is none of. The column is unchanged: only its choices grow."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_moderator_never_own_employer"),
    ]

    operations = [
        migrations.AlterField(
            model_name="moderationcase",
            name="agreement",
            field=models.CharField(
                blank=True,
                choices=[
                    ("agree", "The evidence supports the recommendation"),
                    ("partly", "The evidence partly supports the recommendation"),
                    ("disagree", "The evidence does not support the recommendation"),
                    ("meets", "The evidence shows the NQSW meeting the capabilities at the expected level"),
                    ("partly_meets", "The evidence shows some of the capabilities at the expected level"),
                    ("not_met", "The evidence does not show the capabilities at the expected level"),
                ],
                max_length=16,
            ),
        ),
    ]
