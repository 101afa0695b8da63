"""Step 4 of the pipeline: the per-day history of the writing, from the repository's git history.

What callers need, in one place: :func:`build_history` and the types it takes and returns.
The walk strategy is :mod:`.walk`, the count cache :mod:`.cache`, the pure day arithmetic
:mod:`.days`, commits replayed into days :mod:`.replay`, and the words each change added and
deleted :mod:`.wordchanges` (the last two pure).
Library code: reads git and the count cache, writes only the cache; it never prints.
"""

from __future__ import annotations

from .cache import CACHE_FILE, CountCache, Counter, Progress
from .days import DayRecord, DayRule, Stored, merge_days, stored_days, to_entries
from .walk import History, Mode, basis_for, build_history, date_warnings, future_warnings

__all__ = [
    "CACHE_FILE",
    "CountCache",
    "Counter",
    "DayRecord",
    "DayRule",
    "History",
    "Mode",
    "Progress",
    "Stored",
    "basis_for",
    "build_history",
    "date_warnings",
    "future_warnings",
    "merge_days",
    "stored_days",
    "to_entries",
]
