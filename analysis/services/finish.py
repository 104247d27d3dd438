"""How a claimed analysis ends: completed, by a provider's reply or the offline analyzer,
or failed. Each writes only while the caller still holds the lease."""

from __future__ import annotations

import logging
import time
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from analysis.models import Analysis
from analysis.offline import OFFLINE_ANALYZER_NAME, OFFLINE_TEXT_PREFIX, offline_analyze
from analysis.prompt import PROMPT_VERSION, PatternContext
from analysis.result import ParsedReply, analysis_text
from analysis.services.publish import replies_mark, results_publish_soon
from gogent.leases import LEASE_CLEARED
from logs.models import LogPattern
from logs.patterns import pattern_lock_of

logger = logging.getLogger(__name__)

OFFLINE_MODEL = "rules"


def analysis_answer_offline(
    *, analysis: Analysis, token: str, context: PatternContext, note: str, rung: int | None = None
) -> None:
    """Complete the analysis with the offline analyzer's explanation, labelled as such.

    `rung` is its place on the fallback ladder (after every provider); `note` says why
    work came down to it."""
    started = time.monotonic()
    result = offline_analyze(context)
    latency_ms = int((time.monotonic() - started) * 1000)
    Analysis.objects.filter(pk=analysis.pk).update(
        is_offline=True, provider=None, provider_name=OFFLINE_ANALYZER_NAME, model=OFFLINE_MODEL
    )
    return analysis_complete(
        analysis=analysis,
        token=token,
        parsed=ParsedReply(result=result, thinking=""),
        raw_reply="",
        latency_ms=latency_ms,
        model=OFFLINE_MODEL,
        note=note,
        text_prefix=OFFLINE_TEXT_PREFIX,
        rung=rung,
        rung_reason=note,
    )


def analysis_complete(
    *,
    analysis: Analysis,
    token: str,
    parsed: ParsedReply,
    raw_reply: str,
    model: str,
    latency_ms: int,
    tokens_in: int | None = None,
    tokens_out: int | None = None,
    cost: object = None,
    note: str = "",
    text_prefix: str = "",
    rung: int | None = None,
    rung_reason: str = "",
) -> None:
    # The text is what agent_logs.analysis and NATS replies show: an offline one says so.
    text = text_prefix + analysis_text(parsed.result)
    now = timezone.now()
    with transaction.atomic():
        pattern = pattern_lock_of(Analysis, analysis.pk)
        updated = Analysis.objects.filter(
            pk=analysis.pk, status=Analysis.Status.RUNNING, lease_token=token
        ).update(
            status=Analysis.Status.DONE,
            result=parsed.result.stored(),
            text=text,
            raw_reply=raw_reply,
            thinking=parsed.thinking,
            model=model,
            prompt_version=PROMPT_VERSION,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            latency_ms=latency_ms,
            cost_estimate=cost,
            error=note[:2000],
            rung=rung,
            rung_reason=rung_reason[:500],
            conversation=None,
            repair_pending=False,
            finished_at=now,
            next_attempt_at=None,
            publish_pending=bool(settings.ANALYSIS_RESULTS_SUBJECT),
            **LEASE_CLEARED,
        )
        if not updated:
            return None  # cancelled or taken over: this answer is not the request's
        LogPattern.objects.filter(pk=pattern.pk).update(explanation=text)
        analysis.refresh_from_db()
        for hook in _done_hooks():
            hook(analysis=analysis)
        # Into the outbox: NATS is the publisher's business, never this worker's.
        answered = replies_mark(analysis=analysis)
        if analysis.publish_pending or answered:
            results_publish_soon()
    return None


class AnalysisDoneHook(Protocol):
    """One of settings.ANALYSIS_DONE_HOOKS: apps that build on analyses (ticket rules) hear
    of each completed one inside its transaction, so their writes commit with it."""

    def __call__(self, *, analysis: Analysis) -> None: ...


def _done_hooks() -> list[AnalysisDoneHook]:
    return [import_string(path) for path in settings.ANALYSIS_DONE_HOOKS]


def analysis_fail(
    *, analysis: Analysis, token: str, error: str, raw_reply: str | None = None
) -> None:
    update: dict[str, object] = {
        "status": Analysis.Status.FAILED,
        "error": error[:2000],
        "finished_at": timezone.now(),
        "next_attempt_at": None,
        # A retry investigates afresh; the trace keeps what this one did.
        "conversation": None,
        **LEASE_CLEARED,
    }
    if raw_reply is not None:
        update["raw_reply"] = raw_reply
    with transaction.atomic():
        updated = Analysis.objects.filter(
            pk=analysis.pk, status=Analysis.Status.RUNNING, lease_token=token
        ).update(**update)
        if not updated:
            return None
        # Logs that asked are told it failed, through the outbox like any answer.
        if replies_mark(analysis=analysis):
            results_publish_soon()
    logger.warning("analysis %s of pattern %s failed: %s", analysis.pk, analysis.pattern_id, error)
    analysis.refresh_from_db()
    return None
