"""Commit dates as git prints them, read whatever a commit object holds.

git accepts commit objects whose dates it cannot show: a date before 1970 (a negative
time), an author line without a time zone, a malformed date, or a time-zone offset of
24 hours or more (`+9900`). Asked for `--date=raw`, git prints `<seconds> <+hhmm>` for a
date it can read and nothing for one it cannot. This module turns that text into an
aware datetime, or says why it cannot, so one odd commit never stops the history:

* a readable time with an offset of 24 hours or more (which no clock has): the time is
  kept and its day is taken in UTC;
* an unreadable author date: the committer date is used instead;
* neither readable (or a date after the year 9999, which Python's dates cannot hold):
  no date; the history counts the commit on the day of the next commit that has one.

Pure functions: text in, values out.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from .records import dataclass

__all__ = ["RAW_DATE", "CommitDate", "commit_date", "parse_raw_date"]

RAW_DATE = re.compile(r"(\d+) ([+-])(\d\d)(\d\d)")
"""A date as `--date=raw` prints it: seconds since 1970, then the offset (`+0100`)."""
_DAY_MINUTES = 24 * 60
#: Dates after this year are not used: the day arithmetic (time zones, `day_starts_at`,
#: the day after) must stay within the year 9999 that Python's dates end with.
LAST_YEAR = 9998

#: Why git printed no date (its raw format is empty for every one of these).
UNREADABLE = "a date before 1970, no time zone, or a malformed date line"


@dataclass(frozen=True)
class CommitDate:
    """The date a commit counts on, and what was odd about it (None when nothing was)."""

    moment: datetime | None
    problem: str | None = None


def parse_raw_date(text: str) -> tuple[datetime | None, str | None]:
    """`1700000000 +0100` (git's `--date=raw`) as an aware datetime, and what was odd.

    Returns `(moment, problem)`: `moment` is None when there is no date to use (`problem`
    says why); with a moment, `problem` is None for a normal date and names the offset when
    the offset was replaced by UTC.
    """
    match = RAW_DATE.fullmatch(text.strip())
    if match is None:
        return None, UNREADABLE
    seconds, sign, hours, minutes = match.groups()
    offset = int(hours) * 60 + int(minutes)
    problem: str | None = None
    zone: timezone = UTC
    if offset >= _DAY_MINUTES:
        problem = f"a time-zone offset of {sign}{hours}{minutes}, 24 hours or more"
    else:
        zone = timezone(timedelta(minutes=offset if sign == "+" else -offset))
    try:
        moment: datetime | None = datetime.fromtimestamp(int(seconds), zone)
    except (OverflowError, OSError, ValueError):
        moment = None
    if moment is None or moment.year > LAST_YEAR:
        return None, f"a date after the year {LAST_YEAR}"
    return moment, problem


def commit_date(author: str, committer: str) -> CommitDate:
    """The date a commit counts on: its author date, else its committer date, else none."""
    moment, problem = parse_raw_date(author)
    if moment is not None:
        if problem is None:
            return CommitDate(moment)
        return CommitDate(moment, f"its author date has {problem}; it counts on its day in UTC")
    fallback, fallback_problem = parse_raw_date(committer)
    if fallback is not None:
        utc = "" if fallback_problem is None else " in UTC"
        return CommitDate(
            fallback,
            f"git cannot use its author date ({problem}); it counts on the day of its "
            f"committer date{utc}",
        )
    return CommitDate(
        None,
        f"git can use neither its author date ({problem}) nor its committer date "
        f"({fallback_problem}); its changes count on the day of the next commit with a date",
    )
