"""Secrets at rest: provider and integration secrets are stored Fernet-encrypted.

A stored value is "fernet:" followed by a Fernet token. The keys are settings.ENCRYPTION_KEYS
(GOGENT_ENCRYPTION_KEYS: the first encrypts, every one decrypts), else one key generated on
first use into settings.ENCRYPTION_KEY_FILE (0600). Rotating keys: docs/deployment.md,
"Secrets at rest", and `manage.py secrets_rotate`, which calls secrets_rotate().
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, Value

PREFIX = "fernet:"
GENERATE_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class SecretUndecryptable(Exception):
    """A stored secret that none of the keys decrypts: the key changed or was lost.
    The message names the field, never the token or any value."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"The stored {what} cannot be decrypted with the configured encryption keys: "
            "enter the secret again, or restore the key it was encrypted with "
            "(GOGENT_ENCRYPTION_KEYS, or encryption.key in the data directory)."
        )
        self.what = what


class UnreadableSecret:
    """What an encrypted field reads as when no key decrypts its token.

    It is truthy (a secret is stored), shows as "set but unreadable", and is saved back as
    the token it was read from, so pages that load the row still work and saving other
    fields keeps it. Using it as a secret raises SecretUndecryptable (secret_readable).
    """

    __slots__ = ("stored", "what")

    def __init__(self, what: str, stored: str) -> None:
        self.what = what
        self.stored = stored

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return "set but unreadable"

    def __repr__(self) -> str:
        return f"<UnreadableSecret: {self.what}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnreadableSecret) and other.stored == self.stored

    def __hash__(self) -> int:
        return hash(self.stored)

    def error(self) -> SecretUndecryptable:
        return SecretUndecryptable(self.what)


def secret_readable(value: str | UnreadableSecret) -> str:
    """The secret to use; raises SecretUndecryptable for one that no key decrypts."""
    if isinstance(value, UnreadableSecret):
        raise value.error()
    return value


# --- Keys -------------------------------------------------------------------------------


def key_file_load(path: Path) -> str:
    """The key kept in `path`, made on first use. O_EXCL: of processes starting together,
    one creates the file (0600) and every one reads the key it wrote."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as key_file:
            key_file.write(Fernet.generate_key())
            key_file.flush()
            os.fsync(key_file.fileno())
    # Another process may have created the file and not written it yet.
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.1)
    raise ImproperlyConfigured(
        f"{path} is empty. If no secret was stored encrypted with it, delete it and a new key "
        "is made; otherwise restore it from a backup."
    )


def encryption_keys() -> list[str]:
    """The keys in use, the encrypting one first: GOGENT_ENCRYPTION_KEYS, else the key file."""
    return list(settings.ENCRYPTION_KEYS) or [key_file_load(Path(settings.ENCRYPTION_KEY_FILE))]


def _fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.ENCRYPTION_KEYS), str(settings.ENCRYPTION_KEY_FILE))


@functools.lru_cache(maxsize=8)
def _multi_fernet(configured: tuple[str, ...], key_file: str) -> MultiFernet:
    keys = list(configured) or [key_file_load(Path(key_file))]
    fernets = []
    for number, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except ValueError:
            source = "GOGENT_ENCRYPTION_KEYS" if configured else key_file
            raise ImproperlyConfigured(
                f"{source}: key {number} is not a Fernet key (32 url-safe base64-encoded "
                f"bytes); make one with {GENERATE_KEY}"
            ) from None
    return MultiFernet(fernets)


def secret_encrypt(plaintext: str) -> str:
    return PREFIX + _fernet().encrypt(plaintext.encode()).decode("ascii")


def secret_decrypt(stored: str, *, what: str) -> str | UnreadableSecret:
    """The plaintext of a stored value. A value without the prefix is plaintext stored before
    encryption (the migrations that brought the field re-save those rows) and is returned
    as it is."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        return UnreadableSecret(what, stored)


# --- The field --------------------------------------------------------------------------


class EncryptedTextField(models.TextField):
    """Text stored encrypted; reading it gives the plaintext, or an UnreadableSecret.

    Lookups compare stored tokens, which differ on every save: only `field=""` (nothing
    stored) is a useful filter.
    """

    def what(self) -> str:
        return f"{self.model._meta.verbose_name} {self.verbose_name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        return secret_decrypt(value, what=self.what())

    def to_python(self, value: Any) -> Any:
        if isinstance(value, UnreadableSecret):
            return value
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, UnreadableSecret):
            return value.stored
        value = super().get_prep_value(value)
        if not value:
            return value
        return secret_encrypt(value)


def stored_value(name: str) -> ExpressionWrapper:
    """A column as stored (the token), not decrypted: for reads that compare or rotate."""
    return ExpressionWrapper(F(name), output_field=models.TextField())


def raw_value(value: str) -> Value:
    """A value written to an encrypted column as it is, not encrypted again."""
    return Value(value, output_field=models.TextField())


# --- Rotation ---------------------------------------------------------------------------


@dataclass
class RotationReport:
    # Rows rewritten per model label ("analysis.Provider"), models without secrets left out.
    rows: dict[str, int] = field(default_factory=dict)
    # "analysis.Provider 3 api_key": stored values no key decrypts, left as they are.
    unreadable: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def encrypted_fields() -> dict[type[models.Model], list[str]]:
    """Every installed model with encrypted columns, and their names."""
    found: dict[type[models.Model], list[str]] = {}
    for model in apps.get_models():
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if names:
            found[model] = names
    return found


def secrets_rotate(*, dry_run: bool = False) -> RotationReport:
    """Re-encrypt every stored secret with the first key (plaintext left from before
    encryption is encrypted too). Each model is rewritten in one transaction, its rows
    locked, so a secret saved meanwhile is not overwritten with an older one."""
    fernet = _fernet()
    report = RotationReport()
    for model, names in encrypted_fields().items():
        label = model._meta.label
        with transaction.atomic():
            stored = (
                model._base_manager.select_for_update()
                .annotate(**{f"stored_{name}": stored_value(name) for name in names})
                .values_list("pk", *(f"stored_{name}" for name in names))
                .order_by("pk")
            )
            rewritten = 0
            for pk, *values in stored:
                changes = {}
                for name, value in zip(names, values, strict=True):
                    if not value:
                        continue
                    if not value.startswith(PREFIX):
                        changes[name] = raw_value(secret_encrypt(value))
                        continue
                    try:
                        token = fernet.rotate(value[len(PREFIX) :].encode("ascii"))
                    except InvalidToken:
                        report.unreadable.append(f"{label} {pk} {name}")
                        continue
                    changes[name] = raw_value(PREFIX + token.decode("ascii"))
                if changes:
                    rewritten += 1
                    if not dry_run:
                        model._base_manager.filter(pk=pk).update(**changes)
            report.rows[label] = rewritten
    return report
