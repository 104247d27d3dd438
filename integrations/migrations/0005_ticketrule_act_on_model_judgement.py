from django.db import migrations, models


class Migration(migrations.Migration):
    """Rules that depend on the model's recommendation or confidence make drafts unless
    they allow tickets on its judgement: off for every existing rule too."""

    dependencies = [("integrations", "0004_integration_secrets_encrypted")]

    operations = [
        migrations.AddField(
            model_name="ticketrule",
            name="act_on_model_judgement",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Off: when the rule depends on the analysis (its recommendation or "
                    "confidence), a match makes a draft an operator approves, since log text "
                    "can steer a model. On: a confident recommendation opens the ticket by "
                    "itself."
                ),
                verbose_name="open tickets on the model's judgement",
            ),
        ),
    ]
