"""Plain functions, classes and constants the tests share, one topic per module.

Fixtures stay in the conftest files, where pytest finds them; tests import these.
"""

import pkgutil

import pytest

# Rewritten as conftest files are, so a failing assert in a helper explains itself. The
# modules are named one by one: this package is already imported, so it cannot be marked.
pytest.register_assert_rewrite(
    *(f"{__name__}.{module.name}" for module in pkgutil.iter_modules(__path__))
)
