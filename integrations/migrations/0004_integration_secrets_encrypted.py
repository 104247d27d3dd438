"""Integrations' secrets are stored encrypted (gogent.encryption): secrets stored before are
read as plaintext and written back encrypted; going back writes them as plaintext again."""

from django.db import migrations, models

import gogent.encryption

SECRETS = ("secret", "client_secret")


def encrypt_secrets(apps, schema_editor):
    Integration = apps.get_model("integrations", "Integration")
    for integration in Integration.objects.only("pk", *SECRETS):
        # Plaintext (no "fernet:" prefix) reads as it is; the field encrypts it on the way in.
        values = {name: getattr(integration, name) for name in SECRETS}
        values = {name: value for name, value in values.items() if value}
        if values:
            Integration.objects.filter(pk=integration.pk).update(**values)


def decrypt_secrets(apps, schema_editor):
    Integration = apps.get_model("integrations", "Integration")
    for integration in Integration.objects.only("pk", *SECRETS):
        # A secret no encryption key decrypts stays as the token it is.
        values = {
            name: models.Value(value, output_field=models.TextField())
            for name in SECRETS
            if (value := getattr(integration, name)) and isinstance(value, str)
        }
        if values:
            Integration.objects.filter(pk=integration.pk).update(**values)


class Migration(migrations.Migration):
    dependencies = [("integrations", "0003_auditevent_moved")]

    operations = [
        migrations.AlterField(
            model_name="integration",
            name="client_secret",
            field=gogent.encryption.EncryptedTextField(
                blank=True, verbose_name="OAuth client secret"
            ),
        ),
        migrations.AlterField(
            model_name="integration",
            name="secret",
            field=gogent.encryption.EncryptedTextField(
                blank=True,
                help_text="Password, API token or personal access token. Write-only: never shown again.",
            ),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
