"""Providers' API keys are stored encrypted (gogent.encryption): keys stored before are
read as plaintext and written back encrypted; going back writes them as plaintext again."""

from django.db import migrations, models

import gogent.encryption


def encrypt_keys(apps, schema_editor):
    Provider = apps.get_model("analysis", "Provider")
    for provider in Provider.objects.exclude(api_key="").only("pk", "api_key"):
        # Plaintext (no "fernet:" prefix) reads as it is; the field encrypts it on the way in.
        Provider.objects.filter(pk=provider.pk).update(api_key=provider.api_key)


def decrypt_keys(apps, schema_editor):
    Provider = apps.get_model("analysis", "Provider")
    for provider in Provider.objects.exclude(api_key="").only("pk", "api_key"):
        # A key no encryption key decrypts stays as the token it is: nothing else to restore.
        if isinstance(provider.api_key, str):
            plaintext = models.Value(provider.api_key, output_field=models.TextField())
            Provider.objects.filter(pk=provider.pk).update(api_key=plaintext)


class Migration(migrations.Migration):
    dependencies = [("analysis", "0006_analysis_trigger_offline_redo")]

    operations = [
        migrations.AlterField(
            model_name="provider",
            name="api_key",
            field=gogent.encryption.EncryptedTextField(
                blank=True,
                help_text="API key, or the client secret for Entra ID. Write-only: never shown again.",
            ),
        ),
        migrations.RunPython(encrypt_keys, decrypt_keys),
    ]
