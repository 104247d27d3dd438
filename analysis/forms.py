"""The provider form: every rule a provider must meet, however it is configured.

The admin edits providers with ProviderForm and `manage.py apply_config` binds each
[[providers]] table to it (analysis.provider_config), so the two accept and refuse
the same values with the same messages.
"""

from __future__ import annotations

from django import forms

from analysis.models import Provider
from analysis.providers.openai import CLOUDFLARE_GATEWAY_HOST
from gogent.forms import WriteOnlySecretsForm, https_url_field, secret_field
from gogent.secrets_env import env_name_problem

AZURE_KINDS = (Provider.Kind.AZURE_OPENAI, Provider.Kind.AZURE_AD)
KEYLESS_KINDS = (Provider.Kind.OLLAMA,)

# What an admin or a config file sets; the limiter and health state is the workers'.
EDITABLE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Provider._meta.concrete_fields if f.editable and not f.primary_key
)


def provider_problems(provider: Provider) -> dict[str, str]:
    """What a provider lacks for its kind, by field name; empty when it can be used."""
    problems: dict[str, str] = {}
    kind = provider.kind
    if kind in AZURE_KINDS:
        if not provider.base_url:
            problems["base_url"] = (
                "Azure OpenAI needs the deployment URL: "
                "https://<resource>.openai.azure.com/openai/deployments/<deployment>."
            )
        if not provider.api_version:
            problems["api_version"] = "Azure OpenAI needs an api-version, e.g. 2024-10-21."
    if kind == Provider.Kind.AZURE_AD:
        if not provider.tenant_id:
            problems["tenant_id"] = "Entra ID needs the tenant id of the app registration."
        if not provider.client_id:
            problems["client_id"] = "Entra ID needs the client id of the app registration."
    if (
        kind == Provider.Kind.CLOUDFLARE
        and not provider.account_id
        and CLOUDFLARE_GATEWAY_HOST not in provider.base_url
    ):
        problems["account_id"] = (
            "Cloudflare Workers AI needs the account id, unless the base URL is an AI Gateway "
            f"URL (https://{CLOUDFLARE_GATEWAY_HOST}/v1/<account>/<gateway>)."
        )
    if env_problem := env_name_problem(provider.api_key_env, example="OPENAI_API_KEY"):
        problems["api_key_env"] = env_problem
    elif kind not in KEYLESS_KINDS and not (provider.api_key or provider.api_key_env):
        if kind == Provider.Kind.AZURE_AD:
            problems["api_key"] = (
                "Entra ID needs the app's client secret: as the API key, or in the "
                "environment variable named by api_key_env."
            )
        else:
            label = Provider.Kind(kind).label if kind in Provider.Kind.values else kind
            problems["api_key"] = (
                f"{label} needs an API key, or api_key_env naming the environment variable "
                "that holds it."
            )
    return problems


class ProviderForm(WriteOnlySecretsForm):
    """The API key is write-only: the stored key is never a value of this form."""

    secrets = {"api_key": "key"}
    api_key = secret_field("API key (Entra ID: the app's client secret)")
    clear_api_key = forms.BooleanField(label="Clear stored key", required=False)
    base_url = https_url_field(Provider)
    instance_problems = staticmethod(provider_problems)

    class Meta:
        model = Provider
        fields = EDITABLE_FIELDS

    def _get_validation_exclusions(self) -> set[str]:
        # provider_save takes the default flag from the previous default in the same
        # transaction, so the one-default constraint is not the form's to check.
        return super()._get_validation_exclusions() | {"is_default"}
