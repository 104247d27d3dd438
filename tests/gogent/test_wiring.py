"""gogent/ is the wiring: it reaches the apps through URL includes and dotted paths in
settings, never by importing them, so the apps' dependencies keep pointing one way."""

from __future__ import annotations

import ast
from pathlib import Path

import gogent

APPS = {"logs", "analysis", "integrations"}
GOGENT = Path(gogent.__file__).parent


def app_references(path: Path) -> list[str]:
    """Each import of an app in the module, and each apps.get_model("<app>", ...): "line name"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        found += [f"{node.lineno} {name}" for name in names if name.split(".")[0] in APPS]
    return found


def test_gogent_imports_no_app():
    modules = [path for path in GOGENT.rglob("*.py") if "migrations" not in path.parts]
    assert len(modules) > 20  # the walk found gogent's modules
    found = [
        f"{path.relative_to(GOGENT.parent)}:{reference}"
        for path in sorted(modules)
        for reference in app_references(path)
    ]
    assert found == []


def test_the_check_sees_an_import_of_an_app(tmp_path):
    module = tmp_path / "wired.py"
    module.write_text(
        "import logs.models\n"
        "from analysis.ratelimit import provider_headroom\n"
        "from django.apps import apps\n"
        "ticket = apps.get_model('integrations', 'Ticket')\n"
    )
    assert app_references(module) == [
        "1 logs.models",
        "2 analysis.ratelimit",
        "4 integrations",
    ]
