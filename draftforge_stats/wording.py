"""The small wording helpers every message and report shares: numbers, plurals, days.

Pure functions of their arguments: no I/O. Numbers of a thousand or more are written with
thousands separators (`12,345 words`), and a share of a target (`57.1%`) is written, everywhere
the same way.
"""

from __future__ import annotations


def number(value: int) -> str:
    """`12,345`: an integer with thousands separators."""
    return f"{value:,}"


def plural(count: int, word: str) -> str:
    """`1 word`, `2 words`, `1,000 words`: a count and a regular English noun."""
    return f"{number(count)} {word}{'' if count == 1 else 's'}"


def percent(part: int, whole: int, digits: int = 1) -> str:
    """`57.1%`: `part` of `whole` (above 0) rounded to `digits` decimals, except that a share
    shows as 100% only once `part` reaches `whole` (79,999 of 80,000 is `99.9%`) and as 0% only
    when `part` is 0 or less (1 of 80,000 is `0.1%`)."""
    text = f"{part / whole:.{digits}%}"
    step = 10.0**-digits
    if part < whole and float(text[:-1]) >= 100:
        text = f"{100 - step:.{digits}f}%"
    elif part > 0 and float(text[:-1]) == 0:
        text = f"{step:.{digits}f}%"
    return text


def days(count: int) -> str:
    """`1 day`, `5 days`."""
    return plural(count, "day")
