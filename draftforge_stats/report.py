"""The terminal report of `draftforge stats`, as rich renderables (printing is the CLI's job)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from .models import Stats


def _n(value: int) -> str:
    return f"{value:,}"


def progress_line(stats: Stats) -> RenderableType | None:
    target = stats.project.target_word_count
    if not target:
        return None
    words = stats.current.word_count
    share = words / target
    table = Table.grid(padding=(0, 1))
    table.add_row(
        ProgressBar(total=target, completed=min(words, target), width=40),
        Text(f"{share:.1%} of {_n(target)} words"),
    )
    return table


def chapters_table(stats: Stats) -> Table:
    table = Table(title="Chapters", title_justify="left", show_footer=True)
    table.add_column("#", justify="right", footer="")
    table.add_column("Title", footer="Total")
    table.add_column("File", style="dim", footer="")
    table.add_column("Words", justify="right", footer=_n(stats.current.word_count))
    table.add_column("Characters", justify="right", footer=_n(stats.current.character_count))
    for index, chapter in enumerate(stats.breakdown.chapters, start=1):
        table.add_row(
            str(index),
            chapter.title,
            chapter.file,
            _n(chapter.word_count),
            _n(chapter.character_count),
        )
    return table


def manuscript_table(stats: Stats) -> Table | None:
    if not stats.breakdown.manuscript:
        return None
    table = Table(title="Manuscript files (not in the total)", title_justify="left")
    table.add_column("File")
    table.add_column("Words", justify="right")
    for entry in stats.breakdown.manuscript:
        table.add_row(entry.file, _n(entry.word_count))
    return table


def build_report(stats: Stats) -> RenderableType:
    """The whole report: headline, progress, chapters, manuscript files."""
    headline = Text.assemble(
        (stats.project.name, "bold"),
        f" ({stats.project.type}): ",
        (f"{_n(stats.current.word_count)} words", "bold green"),
        f" in {stats.current.chapter_count} chapter"
        + ("" if stats.current.chapter_count == 1 else "s"),
    )
    parts: list[RenderableType | None] = [
        headline,
        progress_line(stats),
        chapters_table(stats),
        manuscript_table(stats),
    ]
    return Group(*(p for p in parts if p is not None))
