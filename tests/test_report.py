"""The terminal report: readable without colour, as in a CI log."""

from __future__ import annotations

from rich.console import Console

from draftforge_stats.report import build_report
from draftforge_stats.statsfile import Stats, TargetInfo
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


def test_chapter_targets_have_a_column_with_the_share_and_the_overrun() -> None:
    """60 of 100 words is 60.0%; 40 of 30 is 133.3%, past 110%: over."""
    book = make_stats(
        [
            chapter("chapters/01.md", "One", 60, 300, 240),
            chapter("chapters/02.md", "Two", 40, 200, 160),
            chapter("chapters/03.md", "Three", 5, 25, 20),
        ]
    )
    chapters = book.breakdown.chapters
    chapters[0].target = TargetInfo(words=100, percent=60.0, overrun=False)
    chapters[1].target = TargetInfo(words=30, percent=133.3, overrun=True)
    rows = [line for line in plain(book) if line.startswith(("│", "┃"))]
    assert [row.split("│")[-2].strip() for row in rows[1:4]] == [
        "60.0% of 100",
        "133.3% of 30, over",
        "",
    ]
    assert rows[0].split("┃")[-2].strip() == "Target"
    assert "Target" not in "".join(plain(stats(7, None)))  # no chapter has one: no column
