"""Step 4 of the pipeline: the per-day history of the writing, from the repository's git history.

What callers need, in one place: :func:`build_history` and the types it takes and returns.
Library code: reads git and the count cache, writes only the cache; it never prints.
"""

from __future__ import annotations

from .walk import (
    CACHE_FILE,
    CountCache,
    Counter,
    DayRecord,
    History,
    Progress,
    Stored,
    basis_for,
    build_history,
    merge_days,
    to_entries,
)

__all__ = [
    "CACHE_FILE",
    "CountCache",
    "Counter",
    "DayRecord",
    "History",
    "Progress",
    "Stored",
    "basis_for",
    "build_history",
    "merge_days",
    "to_entries",
]
