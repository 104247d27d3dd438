"""How the test suite itself is laid out."""

import ast

from tests.helpers.processes import BASE_DIR


def conftest_imports(path) -> list[str]:
    """`path:line` of each import of a conftest module in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            modules = [node.module or ""] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        if any(module.split(".")[-1] == "conftest" for module in modules):
            found.append(f"{path.relative_to(BASE_DIR)}:{node.lineno}")
    return found


def test_no_module_imports_from_a_conftest():
    # Conftest files hold the fixtures pytest injects; what tests share by import (functions,
    # classes, constants) lives in tests/helpers/.
    offenders = [
        found
        for path in sorted((BASE_DIR / "tests").rglob("*.py"))
        for found in conftest_imports(path)
    ]
    assert offenders == []
