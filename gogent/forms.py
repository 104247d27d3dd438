"""Admin form pieces shared by the apps that store credentials (providers, integrations)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django import forms

from gogent.encryption import UnreadableSecret


def secret_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


def https_url_field(model: type, name: str = "base_url", label: str = "Base URL") -> forms.URLField:
    """The model's URL field, with https when no scheme is typed (as Django 6 will do): a
    credential must not go out in clear text."""
    model_field = model._meta.get_field(name)
    return forms.URLField(
        label=label,
        required=not model_field.blank,
        max_length=model_field.max_length,
        assume_scheme="https",
        help_text=model_field.help_text,
    )


class WriteOnlySecretsForm(forms.ModelForm):
    """Secrets are write-only: a stored secret is never a value of the form.

    Each name in `secrets` (field → what it is, for help texts) gets a blank password
    input and a "clear_<name>" checkbox: blank keeps the stored value, typing replaces
    it, ticking clear removes it. Subclasses declare the fields themselves.
    """

    secrets: ClassVar[dict[str, str]] = {}
    # What is wrong with the instance beyond its fields one by one (field name -> message):
    # rules across fields, such as what each kind of provider or integration needs.
    instance_problems: ClassVar[Callable[[Any], Mapping[str, str]] | None] = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, what in self.secrets.items():
            # Blank, not the stored value: nothing can render it; has_changed means "typed".
            self.initial[name] = ""
            stored = getattr(self.instance, name)
            if isinstance(stored, UnreadableSecret):
                help_text = (
                    f"A {what} is set but unreadable: no encryption key decrypts it. "
                    "Type it again, or restore the key it was encrypted with."
                )
            elif stored:
                help_text = (
                    f"A {what} is stored; leave blank to keep it, or type a new one to replace it."
                )
            else:
                help_text = f"No {what} stored."
            self.fields[name].help_text = help_text + " Write-only: never shown."

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, what in self.secrets.items():
            typed = cleaned.get(name, "")
            if cleaned.get(f"clear_{name}"):
                if typed:
                    self.add_error(
                        f"clear_{name}", f"Type a new {what} or clear the stored one, not both."
                    )
                cleaned[name] = ""
            elif not typed:
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.instance_problems is None:
            return
        for name, message in type(self).instance_problems(self.instance).items():
            self.add_error(name if name in self.fields else None, message)
