"""Which environment variables of the workers a provider or integration may read its secret
from: names starting with SECRET_ENV_PREFIX, or listed in SECRET_ENV_ALLOW.

An admin names the variable and chooses the server the secret is sent to, so without the
rule any variable (DATABASE_URL, SECRET_KEY) could be sent anywhere. The rule is checked
when a row is saved (its clean(), for admin forms and apply_config) and again when the
secret is read, so a row saved before the rule existed cannot send one either.
"""

from __future__ import annotations

import os
import re

from django.conf import settings

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SecretEnvRefused(Exception):
    """A stored row names a variable the rule does not allow. The message names the variable
    and the rule, never its value."""


def env_name_problem(name: str, *, example: str) -> str:
    """Why `name` is no environment variable name; "" when it is one (or is blank)."""
    if not name or ENV_NAME.fullmatch(name):
        return ""
    return (
        "Not an environment variable name: use letters, digits and underscores, "
        f"not starting with a digit (e.g. {example})."
    )


def secret_env_problem(name: str) -> str:
    """Why the variable `name` may not be read as a secret; "" when it may (or is blank)."""
    prefix = settings.SECRET_ENV_PREFIX
    if not name or name.startswith(prefix) or name in settings.SECRET_ENV_ALLOW:
        return ""
    return (
        f"{name} may not be read as a secret: only environment variables whose names start "
        f"with {prefix} (SECRET_ENV_PREFIX) or that SECRET_ENV_ALLOW lists may be, so that no "
        "other variable of the workers (such as DATABASE_URL or SECRET_KEY) can be sent out."
    )


def secret_env_read(name: str, *, field: str) -> str:
    """The value of the variable `name` that `field` names; SecretEnvRefused unless the rule
    allows the name."""
    problem = secret_env_problem(name)
    if problem:
        raise SecretEnvRefused(f"{field}: {problem} Name another variable in admin.")
    return os.environ.get(name, "")
