"""An investigation: the model calls Gogent's read-only tools until it answers.

The conversation is a checkpoint, not a loop held in memory: it is kept on the analysis
(`Analysis.conversation`) after every model call, so a step that finds no capacity, a
provider error or a dead worker resumes where it stopped, on the same provider or the next
rung of the ladder. Each model call takes a slot from the provider's limits and budgets
like any call. Every call and every tool run is written to the trace (InvestigationStep).

Caps: at most `max_steps` model calls and `max_tokens` tokens per investigation. The call
that would leave no room for one more is made with tools off and a request for the answer
with what the model has, so the answer comes within both caps as far as estimates hold.

Tool results are untrusted (logs, tickets, runbooks): each goes back fenced between data
markers with a nonce, as JSON, as the prompt's log data does. A tool only reads; its
arguments are validated by the tool; an unknown tool, bad arguments or a failing tool is
an error result the model reads, never an exception here.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string

from analysis.models import Analysis, InvestigationStep, Provider
from analysis.prompt import MARKER, PatternContext, build_request, neutralise
from analysis.providers import supports_tools
from analysis.providers.messages import (
    LLMReply,
    LLMRequest,
    ToolCall,
    ToolSpec,
    Turn,
)
from analysis.result import MAX_REPAIR_REPLY, ParsedReply
from analysis.tools.base import (
    RESULT_MAX_CHARS,
    Tool,
    ToolContext,
    ToolRefused,
    tools_available,
)

logger = logging.getLogger(__name__)

# Tool calls run per model reply; more are answered "not run".
TOOL_CALLS_PER_STEP = 5
ARGUMENTS_KEPT = 2000
ANSWER_NOW = (
    "Stop investigating: the budget for this investigation is used up. Reply now with the "
    "JSON object only, from what you have found."
)


@dataclass(frozen=True, slots=True)
class ActionOffer:
    """An admin-defined remediation action the model may propose for this pattern."""

    name: str
    description: str


@dataclass
class Conversation:
    """What is kept between steps: the turns after the first prompt and what they cost."""

    turns: list[Turn] = field(default_factory=list)
    calls: int = 0
    tokens: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    latency_ms: int = 0
    steps_recorded: int = 0
    answer_requested: bool = False
    repair_asked: bool = False
    # The model turned tools down (its API said it does not support them): one prompt.
    tools_off: bool = False
    cost: Decimal = Decimal(0)
    # Which investigation of the analysis this is in its trace (a retry starts another).
    attempt: int = 0

    def dump(self) -> dict[str, Any]:
        return {
            "turns": [turn.dump() for turn in self.turns],
            "calls": self.calls,
            "tokens": self.tokens,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "latency_ms": self.latency_ms,
            "steps_recorded": self.steps_recorded,
            "answer_requested": self.answer_requested,
            "repair_asked": self.repair_asked,
            "tools_off": self.tools_off,
            "cost": str(self.cost),
            "attempt": self.attempt,
        }

    @classmethod
    def load(cls, stored: Any) -> Conversation:
        if not isinstance(stored, dict):
            return cls()
        return cls(
            turns=[Turn.load(item) for item in stored.get("turns", [])],
            calls=int(stored.get("calls", 0)),
            tokens=int(stored.get("tokens", 0)),
            tokens_in=int(stored.get("tokens_in", 0)),
            tokens_out=int(stored.get("tokens_out", 0)),
            latency_ms=int(stored.get("latency_ms", 0)),
            steps_recorded=int(stored.get("steps_recorded", 0)),
            answer_requested=bool(stored.get("answer_requested", False)),
            repair_asked=bool(stored.get("repair_asked", False)),
            tools_off=bool(stored.get("tools_off", False)),
            cost=Decimal(str(stored.get("cost", "0"))),
            attempt=int(stored.get("attempt", 0)),
        )


@dataclass(frozen=True, slots=True)
class Caps:
    steps: int
    tokens: int

    @classmethod
    def of(cls, provider: Provider) -> Caps:
        return cls(
            steps=provider.investigation_max_steps or settings.ANALYSIS_INVESTIGATION_MAX_STEPS,
            tokens=provider.investigation_max_tokens or settings.ANALYSIS_INVESTIGATION_MAX_TOKENS,
        )


def investigation_tools(provider: Provider, conversation: Conversation) -> list[Tool]:
    """The tools this provider's investigation offers; none means today's single prompt."""
    if (
        conversation.tools_off
        or not provider.tools_enabled
        or not supports_tools(provider.kind)
        or provider.tools_refused_model == provider.model
    ):
        return []
    return tools_available()


def action_offers(pattern_id: int) -> list[ActionOffer]:
    """The actions settings.ANALYSIS_ACTION_OFFERS offer for this pattern (admin-defined,
    enabled, in scope); the investigation may propose only one of these."""
    offers: list[ActionOffer] = []
    for path in settings.ANALYSIS_ACTION_OFFERS:
        for name, description in import_string(path)(pattern_id=pattern_id):
            offers.append(ActionOffer(name=str(name)[:100], description=str(description)[:500]))
    return offers


def investigation_request(
    context: PatternContext,
    conversation: Conversation,
    *,
    tools: list[Tool],
    offers: list[ActionOffer],
    max_tokens: int,
    caps: Caps,
) -> tuple[LLMRequest, int]:
    """The next model call of the investigation and its token estimate. Tools are off
    (and the answer asked for) when this call must be the last: the step cap is reached,
    or the token cap leaves no room for another call after this one."""
    first = build_request(
        context,
        max_tokens=max_tokens,
        tools=True,
        actions=[(offer.name, offer.description) for offer in offers],
    )
    specs = tuple(ToolSpec(t.name, t.description, t.parameters()) for t in tools)
    turns = list(conversation.turns)
    estimate = _estimate(first, turns, specs)
    last_call = (
        conversation.answer_requested
        or conversation.calls + 1 >= caps.steps
        or conversation.tokens + 2 * estimate > caps.tokens
    )
    if last_call and not conversation.answer_requested:
        conversation.answer_requested = True
        conversation.turns.append(Turn.user(ANSWER_NOW))
        turns = list(conversation.turns)
        estimate = _estimate(first, turns, specs)
    request = LLMRequest(
        system=first.system,
        user=first.user,
        max_tokens=max_tokens,
        json_schema=first.json_schema,
        tools=specs,
        turns=tuple(turns),
        tool_choice="none" if last_call else "auto",
    )
    return request, estimate


def investigation_record_reply(
    *,
    analysis: Analysis,
    conversation: Conversation,
    reply: LLMReply,
    tools: list[Tool],
    provider: Provider,
) -> bool:
    """Add a model reply to the conversation and the trace, and run the tools it asked
    for. Returns True when the reply is the answer (no tool calls to follow up)."""
    conversation.calls += 1
    conversation.cost += provider.cost_estimate(reply.tokens_in, reply.tokens_out)
    conversation.tokens += (reply.tokens_in or 0) + (reply.tokens_out or 0)
    conversation.tokens_in += reply.tokens_in or 0
    conversation.tokens_out += reply.tokens_out or 0
    conversation.latency_ms += reply.latency_ms
    calls = list(reply.tool_calls)
    if conversation.answer_requested and calls:
        # Asked for the answer with tools off and still calling: take its text, if any.
        calls = []
    summary = (
        "asked for " + ", ".join(_printable(c.name, 64) for c in calls) if calls else "answered"
    )
    _trace(
        analysis, conversation, kind=InvestigationStep.Kind.MODEL, summary=summary,
        tokens_in=reply.tokens_in, tokens_out=reply.tokens_out, latency_ms=reply.latency_ms,
    )  # fmt: skip
    if not calls:
        return True
    conversation.turns.append(Turn.assistant(reply.text, tuple(calls)))
    by_name = {tool.name: tool for tool in tools}
    context = ToolContext(
        pattern_id=analysis.pattern_id, now=timezone.now(), analysis_id=analysis.pk
    )
    for number, call in enumerate(calls):
        if number >= TOOL_CALLS_PER_STEP:
            content, is_error, summary, took = (
                f"not run: at most {TOOL_CALLS_PER_STEP} tool calls per step",
                True,
                "not run",
                0,
            )
        else:
            content, is_error, summary, took = _run_tool(by_name, call, context)
        conversation.turns.append(
            Turn.tool_result(call_id=call.id, name=call.name, content=content, is_error=is_error)
        )
        _trace(
            analysis, conversation, kind=InvestigationStep.Kind.TOOL,
            tool=_printable(call.name, 64), arguments=_bounded_arguments(call),
            summary=summary, is_error=is_error, latency_ms=took,
        )  # fmt: skip
    return False


def investigation_ask_repair(conversation: Conversation, reply_text: str, problem: str) -> None:
    """The answer was not a valid result: ask once more, tools off, for the JSON object."""
    conversation.repair_asked = True
    conversation.answer_requested = True
    conversation.turns.append(Turn.assistant(reply_text[:MAX_REPAIR_REPLY], ()))
    conversation.turns.append(
        Turn.user(
            f"That reply is not a valid result: {problem[:500]} Reply with the corrected JSON "
            "object only, with every key described in the instructions."
        )
    )


def investigation_keep_offered(
    parsed: ParsedReply, offers: list[ActionOffer], analysis: Analysis, conversation: Conversation
) -> ParsedReply:
    """Keep a proposed action only if it is one of those offered; any other is dropped and
    the attempt noted in the trace (the integrations' hook checks scope again)."""
    proposal = parsed.result.proposed_action
    if proposal is None or proposal.name in {offer.name for offer in offers}:
        return parsed
    name = _printable(proposal.name, 100)
    _trace(
        analysis, conversation, kind=InvestigationStep.Kind.MODEL, is_error=True,
        summary=f"proposed an action that was not offered, dropped: {name}",
    )  # fmt: skip
    result = parsed.result.model_copy(update={"proposed_action": None})
    return ParsedReply(result=result, thinking=parsed.thinking)


def investigation_save(analysis: Analysis, token: str, conversation: Conversation) -> bool:
    """Checkpoint the conversation; False when the lease was lost (cancelled, taken over)."""
    return bool(
        Analysis.objects.filter(pk=analysis.pk, lease_token=token).update(
            conversation=conversation.dump()
        )
    )


def _run_tool(
    by_name: dict[str, Tool], call: ToolCall, context: ToolContext
) -> tuple[str, bool, str, int]:
    """(content for the model, is_error, one-line summary for the trace, milliseconds)."""
    tool = by_name.get(call.name)
    if tool is None:
        message = f"no tool named {_printable(call.name, 64)!r}; the tools are: " + ", ".join(
            by_name
        )
        return _fenced({"error": message}), True, "unknown tool", 0
    if call.arguments is None:
        message = "arguments must be a JSON object"
        return _fenced({"error": message}), True, message, 0
    started = time.monotonic()
    try:
        result = tool.call(context, call.arguments)
    except ToolRefused as refused:
        took = _ms(started)
        message = str(refused)[:500]
        return _fenced({"error": message}), True, message, took
    except Exception:
        # A bug or a database error: logged here with its traceback, never shown.
        logger.exception("analysis tool %s failed", tool.name)
        took = _ms(started)
        return _fenced({"error": "the tool failed; try another"}), True, "tool failed", took
    took = _ms(started)
    return _fenced({"tool": tool.name, "result": result.data}), False, result.summary[:500], took


def _fenced(payload: dict[str, Any]) -> str:
    """A tool's answer as the model sees it: JSON between data markers with a fresh nonce,
    marker look-alikes rewritten, at most RESULT_MAX_CHARS."""
    nonce = secrets.token_hex(16)
    text = json.dumps(payload, ensure_ascii=False, default=str, separators=(",", ":"))
    text = neutralise(text, nonce)
    if len(text) > RESULT_MAX_CHARS:
        text = text[:RESULT_MAX_CHARS] + "…[truncated]"
    return f"<<<{MARKER} {nonce}\n{text}\n{MARKER} {nonce}>>>"


def _trace(
    analysis: Analysis,
    conversation: Conversation,
    *,
    kind: str,
    summary: str,
    tool: str = "",
    arguments: Any = None,
    is_error: bool = False,
    tokens_in: int | None = None,
    tokens_out: int | None = None,
    latency_ms: int = 0,
) -> None:
    if not conversation.attempt:
        latest = analysis.steps.aggregate(latest=Max("attempt"))["latest"]
        conversation.attempt = (latest or 0) + 1
    conversation.steps_recorded += 1
    InvestigationStep.objects.create(
        analysis=analysis,
        attempt=conversation.attempt,
        number=conversation.steps_recorded,
        kind=kind,
        tool=tool,
        arguments=arguments,
        summary=summary[:500],
        is_error=is_error,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        latency_ms=latency_ms,
    )


def _bounded_arguments(call: ToolCall) -> Any:
    if call.arguments is None:
        return {"unparsed": call.raw_arguments[:ARGUMENTS_KEPT]}
    text = json.dumps(call.arguments, ensure_ascii=False, default=str)
    if len(text) > ARGUMENTS_KEPT:
        return {"truncated": text[:ARGUMENTS_KEPT]}
    return call.arguments


def _estimate(first: LLMRequest, turns: list[Turn], specs: tuple[ToolSpec, ...]) -> int:
    """Tokens the call may use: its text at 4 characters a token, and its reply budget."""
    chars = len(first.system) + len(first.user) + sum(turn.size() for turn in turns)
    chars += sum(len(spec.description) + len(json.dumps(spec.parameters)) for spec in specs)
    return chars // 4 + first.max_tokens


def _printable(text: str, limit: int) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))[:limit]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
