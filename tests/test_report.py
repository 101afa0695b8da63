"""The terminal report: readable without colour, as in a CI log."""

from __future__ import annotations

from rich.console import Console

from draftforge_stats.models import Breakdown, ChapterEntry, Current, ProjectInfo, Stats
from draftforge_stats.report import build_report


def stats(words: int, target: int | None) -> Stats:
    return Stats(
        project=ProjectInfo(name="Book", type="novel", target_word_count=target),
        current=Current(
            word_count=words,
            chapter_count=1,
            character_count=words * 5,
            character_count_no_spaces=words * 4,
            last_updated="2025-10-29T14:30:00Z",
        ),
        breakdown=Breakdown(
            chapters=[
                ChapterEntry(
                    file="chapters/01-a.md",
                    title="A",
                    word_count=words,
                    character_count=words * 5,
                    character_count_no_spaces=words * 4,
                )
            ]
        ),
        generated_at="2025-10-29T14:30:00Z",
    )


def plain(stats: Stats) -> list[str]:
    console = Console(width=80, no_color=True, force_terminal=False, record=True)
    console.print(build_report(stats))
    return console.export_text().splitlines()


def test_progress_bar_is_drawn_with_characters() -> None:
    lines = plain(stats(2500, 10000))
    assert lines[0] == "Book (novel): 2,500 words in 1 chapter"
    assert lines[1] == "█" * 10 + "░" * 30 + " 25.0% of 10,000 words"


def test_progress_bar_is_full_past_the_target() -> None:
    assert plain(stats(12000, 10000))[1] == "█" * 40 + " 120.0% of 10,000 words"


def test_no_target_no_progress_bar() -> None:
    lines = plain(stats(7, None))
    assert lines[0] == "Book (novel): 7 words in 1 chapter"
    assert lines[1].rstrip() == "Chapters"  # the chapters follow at once: no bar
