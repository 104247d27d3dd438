"""Masking and mining cost time linear in a message's length, whatever its shape.

Each message from `adversarial_messages` (bench/grouping.py) is shaped to make one masking
rule work hardest: the prefix it looks for repeated without what ends it, long words before
a quote, unclosed quotes, runs of one punctuation mark, brackets never closed, request lines
and labels by the thousand. Each goes through `mask()`, through `TemplateMiner.add()` beside
a neighbour, and through `add()` after its own first half, a shorter template whose `<*>`
may span words (the glob walk that matches those gives up past a linear budget). Linear
work on such a message costs
a few times an ordinary message of the same length (about five at worst: a token every two
bytes); a regex that backtracks quadratically costs hundreds of times at 8 KiB already.

Plain Python: no database. Timings are the fastest of a few calls, so a busy machine slows
a message down only if it slows down every call.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from bench.grouping import GROUPING_CALLS, adversarial_messages, ordinary_message, seconds_per_call

MAX_TIMES_ORDINARY = 50


@pytest.mark.parametrize("name", sorted(GROUPING_CALLS))
def test_no_message_costs_fifty_times_an_ordinary_one_of_its_length(name: str) -> None:
    prepare = GROUPING_CALLS[name]
    largest = settings.LOG_MAX_MESSAGE_BYTES
    # The small size first: quadratic work fails there in seconds, not in minutes.
    for size in sorted({min(8 * 1024, largest), largest}):
        ordinary = ordinary_message(size)
        prepare(ordinary)()
        limit = MAX_TIMES_ORDINARY * seconds_per_call(prepare, ordinary, repeats=5)
        slow = {}
        for shape, message in adversarial_messages(size).items():
            seconds = seconds_per_call(
                prepare, message, repeats=5, enough=limit, hopeless=10 * limit
            )
            if seconds >= limit:
                slow[shape] = f"{MAX_TIMES_ORDINARY * seconds / limit:.0f} times"
        assert not slow, f"{name} of {size} bytes, against an ordinary message: {slow}"
