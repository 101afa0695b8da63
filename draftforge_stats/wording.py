"""The small wording helpers every message and report shares: numbers, plurals, days.

Pure functions of their arguments: no I/O. Numbers of a thousand or more are written with
thousands separators (`12,345 words`), everywhere the same way.
"""

from __future__ import annotations


def number(value: int) -> str:
    """`12,345`: an integer with thousands separators."""
    return f"{value:,}"


def plural(count: int, word: str) -> str:
    """`1 word`, `2 words`, `1,000 words`: a count and a regular English noun."""
    return f"{number(count)} {word}{'' if count == 1 else 's'}"


def days(count: int) -> str:
    """`1 day`, `5 days`."""
    return plural(count, "day")
