"""What both replays share: how much a batch takes, how much a report lists, and how a
selection is written into audit rows."""

from __future__ import annotations

from typing import Any

DEFAULT_BATCH_SIZE = 200
# Ids a report or an audit row lists at most.
REPORT_IDS_MAX = 20


def selection_details(**values: Any) -> dict[str, Any]:
    """The filters given, for an audit row; those not given are left out."""
    return {key: value for key, value in values.items() if value not in (None, "", [])}
