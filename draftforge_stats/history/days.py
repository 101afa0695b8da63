"""The pure day arithmetic of the history: the day rule, day records, the stored days, merging,
entries.

:class:`DayRule` says which writing day a moment belongs to: the calendar day of
`stats.timezone` (or, with no time zone set, of the UTC offset the moment carries), counted
from `stats.day_starts_at` o'clock, so writing at 1 a.m. with `day_starts_at: 4` belongs to
the day before; the streaks and the Action take their days from it too.
:class:`DayRecord` is one writing day; :class:`Stored` is what an existing stats file says
about the history; :func:`merge_days` puts newer days on top of stored ones and
:func:`to_entries` turns days into the stats file's entries (newest first, with the words
written each day). Plain data in, plain data out: no I/O.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from ..records import dataclass
from ..statsfile import FORMAT_VERSION, HistoryBasis, HistoryEntry


@dataclass(frozen=True)
class DayRule:
    """Which calendar day a moment belongs to."""

    zone: tzinfo | None = None
    """`stats.timezone`; None means "the moment's own UTC offset"."""
    day_starts_at: int = 0

    def day(self, moment: datetime) -> date:
        """The writing day of an aware `moment` (wall-clock arithmetic across DST).

        Moments within hours of the ends of the calendar (0001-01-01, 9999-12-31) whose
        local day would fall outside it take the first or last day there is.
        """
        try:
            local = moment.astimezone(self.zone) if self.zone is not None else moment
            return (local - timedelta(hours=self.day_starts_at)).date()
        except OverflowError:
            return date.max if moment.year > 1 else date.min

    def today(self, now: datetime, author_offset: tzinfo | None = None) -> date:
        """The writing day of the run at `now`.

        With a time zone, `now` is taken in it. Without one, days are the authors' own
        wall-clock days, so "today" is taken in the UTC offset of the newest history entry's
        commit (`author_offset`) -- the author's latest known clock -- or in UTC when there is
        no history. So a streak does not end at UTC midnight for an author in California.
        """
        if self.zone is None:
            try:
                now = now.astimezone(author_offset or UTC)
            except OverflowError:  # `now` within hours of 0001-01-01 or 9999-12-31
                return date.max if now.year > 1 else date.min
        return self.day(now)


@dataclass(frozen=True)
class DayRecord:
    """One day of the history, without `words_written` (made from the order of the days)."""

    day: date
    word_count: int
    chapter_count: int
    commits: int
    commit_sha: str
    added: int | None = None
    deleted: int | None = None
    """Words added and deleted (None on a day kept from a 1.0.0 file)."""

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> DayRecord:
        """The day of one history entry of a stats file (valid by the schema)."""
        return cls(
            date.fromisoformat(entry["date"]),
            entry["word_count"],
            entry["chapter_count"],
            entry["commits"],
            entry["commit_sha"],
            entry.get("words_added"),
            entry.get("words_deleted"),
        )


@dataclass(frozen=True)
class Stored:
    """What an existing (schema-valid) stats file says about the history."""

    days: tuple[DayRecord, ...]  # oldest first
    last_commit_sha: str | None
    last_commit_at: str | None
    basis: HistoryBasis | None
    rules_version: int | None
    last_modified: Mapping[str, str | None]
    version: str = FORMAT_VERSION
    """The file's format version: a 1.0.0 file has no words added and deleted."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Stored:
        """Read a stats file's data (valid by the schema); ValueError when the history is
        not one entry per day, newest first."""
        days = tuple(DayRecord.from_entry(e) for e in reversed(data["history"]))
        for older, newer in itertools.pairwise(days):
            if newer.day <= older.day:
                raise ValueError(
                    f"the history is not one entry per day, newest first ({newer.day} "
                    f"comes before {older.day})"
                )
        current = data["current"]
        basis = data.get("history_basis")
        return cls(
            days=days,
            last_commit_sha=current.get("last_commit_sha"),
            last_commit_at=current.get("last_commit_at"),
            basis=HistoryBasis.model_validate(basis) if basis is not None else None,
            rules_version=data.get("counting_rules_version"),
            last_modified={
                c["file"]: c.get("last_modified") for c in data["breakdown"]["chapters"]
            },
            version=data.get("version", FORMAT_VERSION),
        )


def stored_days(entries: Iterable[Mapping[str, Any]]) -> Stored:
    """The history of valid entries (newest first, one per day) kept from a stats file that
    cannot be used as a whole: the days alone, with no commit or settings to build on."""
    days = tuple(sorted(map(DayRecord.from_entry, entries), key=lambda record: record.day))
    return Stored(days, None, None, None, None, {})


def merge_days(
    base: Iterable[DayRecord], new: Mapping[date, DayRecord], *, add: bool = True
) -> list[DayRecord]:
    """Days of `base` with the `new` days (from later commits) on top, oldest first.

    With `add`, a day in both keeps the new totals (its later commits) and adds up the
    commits and the words added and deleted; without it, the new day replaces the old one
    (it was made again whole).
    """
    by_day = {record.day: record for record in base}
    for day, record in new.items():
        old = by_day.get(day)
        if old is not None and add:
            record = replace(
                record,
                commits=old.commits + record.commits,
                added=_sum(old.added, record.added),
                deleted=_sum(old.deleted, record.deleted),
            )
        by_day[day] = record
    return [by_day[day] for day in sorted(by_day)]


def _sum(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def to_entries(days: Sequence[DayRecord]) -> list[HistoryEntry]:
    """The file's history (newest first); `words_written` is the change from the day before
    (for the first day, its whole word count)."""
    entries: list[HistoryEntry] = []
    previous = 0
    for record in days:
        entries.append(
            HistoryEntry(
                date=record.day.isoformat(),
                word_count=record.word_count,
                chapter_count=record.chapter_count,
                commits=record.commits,
                words_written=record.word_count - previous,
                words_added=record.added,
                words_deleted=record.deleted if record.added is not None else None,
                commit_sha=record.commit_sha,
            )
        )
        previous = record.word_count
    entries.reverse()
    return entries
