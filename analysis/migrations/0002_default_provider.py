"""The provider Gogent starts with: Ollama on this machine, as the Go seed used.

When nothing answers there, analyses fall back to the built-in offline analyzer,
so a fresh install works end to end. Admins edit or replace it in admin or with
`manage.py apply_config`.
"""

from django.db import migrations


def create_default_provider(apps, schema_editor):
    Provider = apps.get_model("analysis", "Provider")
    if not Provider.objects.exists():
        Provider.objects.create(
            name="Local Ollama",
            kind="ollama",
            base_url="http://localhost:11434",
            model="deepseek-r1:1.5b",
            timeout_seconds=30.0,
            requests_per_minute=60,
            max_concurrent=2,
            is_default=True,
        )


def remove_default_provider(apps, schema_editor):
    Provider = apps.get_model("analysis", "Provider")
    Provider.objects.filter(name="Local Ollama", kind="ollama").delete()


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_initial")]

    operations = [migrations.RunPython(create_default_provider, remove_default_provider)]
