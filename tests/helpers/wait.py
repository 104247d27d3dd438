"""Waiting with a deadline: on a condition, or on a coroutine."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


def wait_for(
    condition: Callable[[], Any], *, timeout: float = 30, interval: float = 0.05, what: str = ""
) -> Any:
    """Poll until condition() is truthy; fail with `what` after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(interval)


def run_async(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
