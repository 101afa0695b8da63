"""The terminal report: readable without colour, as in a CI log."""

from __future__ import annotations

from rich.console import Console

from draftforge_stats.report import build_report
from draftforge_stats.statsfile import Stats
from tests.builders import chapter, make_stats


def stats(words: int, target: int | None) -> Stats:
    return make_stats(
        [chapter("chapters/01-a.md", "A", words, words * 5, words * 4)], target=target
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
