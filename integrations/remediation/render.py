"""An action's request body: JSON whose string values may hold placeholders.

The body is parsed as JSON first and placeholders are replaced inside string values only,
then the whole is serialized again: a value from a log (quotes, braces, newlines) stays
one JSON string and cannot add keys or change the structure.
"""

from __future__ import annotations

import json
import re
from typing import Any

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
NAMES = (
    "pattern.id", "pattern.template", "pattern.severity", "pattern.count", "pattern.host",
    "pattern.service", "pattern.url", "place.site", "place.area", "place.line", "place.cell",
    "place.asset", "analysis.summary", "analysis.probable_cause", "proposal.id",
    "proposal.reason",
)  # fmt: skip
VALUE_CHARS = 2000


def body_problem(body: str) -> str:
    """Why the body cannot be rendered (not JSON, an unknown placeholder), or ""."""
    try:
        parsed = json.loads(body)
    except ValueError as error:
        return f"Not JSON: {error}"
    unknown = sorted({name for text in _strings(parsed) for name in PLACEHOLDER.findall(text)}
                     - set(NAMES))  # fmt: skip
    if unknown:
        return f"Unknown placeholder {', '.join(unknown)}; known: {', '.join(NAMES)}."
    if re.search(r"\{\{|\{%", "".join(PLACEHOLDER.sub("", t) for t in _strings(parsed))):
        return "A placeholder is written {{ pattern.host }}, inside a JSON string."
    return ""


def body_render(body: str, values: dict[str, Any]) -> str:
    """The body with each placeholder replaced by its value (as text, cut to VALUE_CHARS)."""
    if not body:
        return ""

    def fill(node: Any) -> Any:
        if isinstance(node, str):
            return PLACEHOLDER.sub(
                lambda match: str(values.get(match.group(1), ""))[:VALUE_CHARS], node
            )
        if isinstance(node, list):
            return [fill(item) for item in node]
        if isinstance(node, dict):
            return {fill(key): fill(value) for key, value in node.items()}
        return node

    return json.dumps(fill(json.loads(body)), ensure_ascii=False)


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in (key, *_strings(value))]
    return []
