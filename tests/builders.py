"""Builders of `Stats` objects shared by the tests: totals always agree with the chapters."""

from __future__ import annotations

from collections.abc import Sequence

from draftforge_stats.statsfile import (
    Breakdown,
    ChapterEntry,
    Current,
    HistoryEntry,
    ProjectInfo,
    Stats,
    Streaks,
)

STAMP = "2025-10-29T14:30:00Z"


def chapter(file: str, title: str, words: int, characters: int, no_spaces: int) -> ChapterEntry:
    return ChapterEntry(
        file=file,
        title=title,
        word_count=words,
        character_count=characters,
        character_count_no_spaces=no_spaces,
    )


def make_stats(
    chapters: Sequence[ChapterEntry],
    *,
    name: str = "Book",
    target: int | None = None,
    history: Sequence[HistoryEntry] = (),
    streaks: Streaks | None = None,
    stamp: str = STAMP,
    last_commit_sha: str | None = None,
) -> Stats:
    """A stats object whose current totals are the sums of `chapters`."""
    return Stats(
        project=ProjectInfo(name=name, type="novel", target_word_count=target),
        current=Current(
            word_count=sum(c.word_count for c in chapters),
            chapter_count=len(chapters),
            character_count=sum(c.character_count for c in chapters),
            character_count_no_spaces=sum(c.character_count_no_spaces for c in chapters),
            last_updated=stamp,
            last_commit_sha=last_commit_sha,
        ),
        breakdown=Breakdown(chapters=list(chapters)),
        history=list(history),
        streaks=streaks or Streaks(),
        generated_at=stamp,
    )
