"""Exceptions every app raises and every view understands."""

from __future__ import annotations


class StateRefused(ValueError):
    """An action the object's current state does not allow: approving a ticket that is
    no longer a draft, cancelling a finished analysis, opening a ticket on a merged
    pattern. The message says why, for the operator; views answer 409 with it.

    A ValueError, so callers written before it existed still catch it; views catch only
    this, so any other ValueError (a bug) is an error, not a 409."""
