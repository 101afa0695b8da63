"""The terminal report of `draftforge stats`, as rich renderables (printing is the CLI's job)."""

from __future__ import annotations

from datetime import date, timedelta

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .goaltext import goal_lines, today_line
from .statsfile import HistoryEntry, Stats
from .wording import days as _days
from .wording import number as _n
from .wording import plural

#: Width of the progress bar toward the target, in characters.
PROGRESS_WIDTH = 40
#: Days in the chart of words written.
CHART_DAYS = 30
_BLOCKS = "▁▂▃▄▅▆▇█"


def progress_line(stats: Stats) -> RenderableType | None:
    target = stats.project.target_word_count
    if not target:
        return None
    words = stats.current.word_count
    share = words / target
    # Drawn with block characters rather than colour alone, so it shows in a log too.
    filled = round(min(share, 1.0) * PROGRESS_WIDTH)
    return Text.assemble(
        ("█" * filled, "green"),
        ("░" * (PROGRESS_WIDTH - filled), "dim"),
        f" {share:.1%} of {_n(target)} words",
    )


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
    title = "Manuscript files (not in the total)"
    table = Table(title=title, title_justify="left", min_width=len(title))
    table.add_column("File")
    table.add_column("Words", justify="right")
    for entry in stats.breakdown.manuscript:
        table.add_row(entry.file, _n(entry.word_count))
    return table


def streak_line(stats: Stats) -> Text | None:
    """`Streak: 5 days (longest 12; 40 writing days, the last on 2025-10-29)`."""
    streak = stats.streaks
    if streak.last_write_date is None:
        return None
    return Text.assemble(
        "Streak: ",
        (_days(streak.current_days), "bold" if streak.current_days else "dim"),
        f" (longest {_days(streak.longest_days)}; "
        f"{plural(streak.total_writing_days, 'writing day')}, the last on "
        f"{streak.last_write_date})",
    )


def chart_cells(history: list[HistoryEntry], end: date, days: int = CHART_DAYS) -> list[int | None]:
    """Words written on each of the `days` days up to `end`, oldest first (None: no entry)."""
    by_day = {entry.date: entry.words_written for entry in history}
    start = end - timedelta(days=days - 1)
    return [by_day.get((start + timedelta(days=i)).isoformat()) for i in range(days)]


def words_chart(stats: Stats, today: date | None = None) -> RenderableType | None:
    """One line of bars: the words written on each of the last 30 days (up to `today`, else
    the newest history day). A dot is a day without commits, a red bar a day that cut."""
    if not stats.history:
        return None
    end = today or date.fromisoformat(stats.history[0].date)
    cells = chart_cells(stats.history, end)
    top = max((c for c in cells if c is not None and c > 0), default=0)
    bars = Text()
    for cell in cells:
        if cell is None:
            bars.append("·", "dim")
        elif cell < 0:
            bars.append(_BLOCKS[0], "red")
        elif cell == 0 or top == 0:
            bars.append(_BLOCKS[0], "dim")
        else:
            level = max(1, round(cell * (len(_BLOCKS) - 1) / top))
            bars.append(_BLOCKS[level], "green")
    start = end - timedelta(days=len(cells) - 1)
    written = sum(c for c in cells if c is not None)
    caption = Text(
        f"Words written, {start.isoformat()} to {end.isoformat()}: {written:+,}"
        + (f" (best day {top:,})" if top else ""),
        style="dim",
    )
    return Group(caption, bars)


def _today(stats: Stats, today: date | None) -> Text | None:
    """Today's words added and deleted (only when `today` is known)."""
    line = today_line(stats, today.isoformat()) if today is not None else None
    return Text(line, style="dim") if line is not None else None


def build_report(stats: Stats, today: date | None = None) -> RenderableType:
    """The whole report: headline, progress, streak, chart, chapters, manuscript files.

    `today` ends the chart of the last 30 days (default: the newest history day)."""
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
        *(Text(line) for line in goal_lines(stats.goal)),
        streak_line(stats),
        _today(stats, today),
        words_chart(stats, today),
        chapters_table(stats),
        manuscript_table(stats),
    ]
    return Group(*(p for p in parts if p is not None))
