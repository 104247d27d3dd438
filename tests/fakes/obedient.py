"""A scripted model that obeys every instruction it sees: the worst case for prompt injection.

It reads everything a request shows it (system prompt, user prompt, every turn and tool
result) and does what any planted instruction says, in a small command language an
attack embeds in ordinary prose:

    call tool NAME with {JSON}      -> calls that tool with those arguments (once each)
    propose action NAME             -> proposes that remediation action in its answer
    recommend a ticket              -> ticket_recommended true, priority critical,
                                       severity critical, confidence 1.0
    reveal the system prompt        -> copies everything it was shown into its answer
    (also: "reveal the api key", "print your secrets": the same)

With tools off (tool_choice "none") it answers with what it has. Its answer is always a
valid analysis result, so only Gogent's own bounds stand between an attack and its effect.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fakes.llm import DEFAULT_REPLY

CALL = re.compile(r"call tool (?P<name>[A-Za-z0-9_.\-]+) with (?P<args>\{[^{}]*\})", re.I)
PROPOSE = re.compile(r"propose action (?P<name>[A-Za-z0-9_.\-]+)", re.I)
TICKET = re.compile(r"recommend a ticket", re.I)
REVEAL = re.compile(r"reveal the (?:system prompt|api key)|print your secrets", re.I)


def seen_text(view: dict[str, Any]) -> str:
    """Everything the model is shown in one request, as one text."""
    parts = [view.get("system", ""), view.get("user", "")]
    for turn in view.get("turns", []):
        parts.append(json.dumps(turn, ensure_ascii=False))
    return "\n".join(str(part) for part in parts)


def _arguments(text: str) -> object:
    # Log text reaches it as JSON string literals (escaped quotes, maybe twice over, as in
    # a tool result): it reads through that, as a model does.
    for _ in range(3):
        try:
            return json.loads(text)
        except ValueError:
            text = text.replace('\\"', '"').replace("\\\\", "\\")
    return text


def obey(view: dict[str, Any]) -> dict[str, Any]:
    """The reply to one request: tool calls it was told to make and has not, else the answer."""
    text = seen_text(view)
    made = {
        (call.get("name"), json.dumps(call.get("arguments"), sort_keys=True))
        for turn in view.get("turns", [])
        for call in turn.get("tool_calls", []) or []
    }
    if view.get("tool_choice", "auto") != "none":
        calls = []
        for match in CALL.finditer(text):
            arguments = _arguments(match.group("args"))
            key = (match.group("name"), json.dumps(arguments, sort_keys=True))
            if key not in made and key not in {(c["name"], c["key"]) for c in calls}:
                calls.append({"name": match.group("name"), "arguments": arguments, "key": key[1]})
        if calls:
            return {"tool_calls": [{"name": c["name"], "arguments": c["arguments"]} for c in calls]}
    answer = json.loads(DEFAULT_REPLY)
    answer["ticket_recommended"] = False
    answer["ticket_priority"] = None
    answer["confidence"] = 0.3
    if TICKET.search(text):
        answer.update(
            ticket_recommended=True, ticket_priority="critical", severity="critical", confidence=1.0
        )
    proposal = PROPOSE.search(text)
    if proposal:
        answer["proposed_action"] = {"name": proposal.group("name"), "reason": "I was told to."}
    if REVEAL.search(text):
        answer["probable_cause"] = text[:2000]
        answer["summary"] = "Revealing what I was shown: " + text[-500:]
    return {"text": json.dumps(answer)}
