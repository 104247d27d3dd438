"""Admin form pieces shared by the apps that store credentials (providers, integrations)."""

from __future__ import annotations

from typing import ClassVar

from django import forms

from gogent.encryption import UnreadableSecret


def secret_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class WriteOnlySecretsForm(forms.ModelForm):
    """Secrets are write-only: a stored secret is never a value of the form.

    Each name in `secrets` (field → what it is, for help texts) gets a blank password
    input and a "clear_<name>" checkbox: blank keeps the stored value, typing replaces
    it, ticking clear removes it. Subclasses declare the fields themselves.
    """

    secrets: ClassVar[dict[str, str]] = {}

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
