"""The terminal report of `draftforge stats`, as rich renderables (printing is the CLI's job)."""

from __future__ import annotations

from datetime import date, timedelta

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from .dates import window_end
from .goaltext import chapter_target_text, goal_lines, has_targets, today_line
from .images.calendar import LEVELS
from .images.calendar import level as heat_level
from .images.days import MONTHS, added_by_day
from .statsfile import HistoryEntry, Stats
from .wording import days as _days
from .wording import number as _n
from .wording import percent, plural

#: Width of the progress bar toward the target, in characters.
PROGRESS_WIDTH = 40
#: Days in the chart of words written.
CHART_DAYS = 30
_BLOCKS = "▁▂▃▄▅▆▇█"
#: Weeks in the heatmap beside the streak.
HEATMAP_WEEKS = 13
#: One character a day by level (0: no words added), readable without colour.
_HEAT = "·░▒▓█"
_HEAT_STYLES = ("dim", "green", "green", "bold green", "bold green")
_WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
_GAP = 3
_UNLIMITED = 10_000


class _ProgressBar:
    """`█████░░░░ 25.0% of 10,000 words`: as wide as the line allows, up to
    :data:`PROGRESS_WIDTH` cells, so that it never wraps (at least 10 cells)."""

    def __init__(self, words: int, target: int) -> None:
        self.words = words
        self.target = target

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        share = self.words / self.target
        caption = f" {percent(self.words, self.target)} of {_n(self.target)} words"
        width = max(10, min(PROGRESS_WIDTH, options.max_width - len(caption)))
        # Drawn with block characters rather than colour alone, so it shows in a log too.
        filled = round(min(share, 1.0) * width)
        if self.words < self.target:  # full only once the target is reached
            filled = min(filled, width - 1)
        yield Text.assemble(
            ("█" * filled, "green"), ("░" * (width - filled), "dim"), caption, no_wrap=False
        )


def progress_line(stats: Stats) -> RenderableType | None:
    target = stats.project.target_word_count
    if not target:
        return None
    return _ProgressBar(stats.current.word_count, target)


def chapters_table(stats: Stats, *, layout: str = "wide") -> Table:
    """The chapters with their counts. `wide`: title and file in columns of their own;
    `stacked`: the file under the title, in one column; `narrow`: stacked, without the
    characters. Titles and paths wrap (paths at any character), never cut short, and show as
    they are (plain text: a `[b]` in a name is not read as a style)."""
    table = Table(title="Chapters", title_justify="left", show_footer=True)
    table.add_column("#", justify="right", footer="")
    if layout == "wide":
        table.add_column("Title", footer="Total", overflow="fold")
        table.add_column("File", style="dim", footer="", overflow="fold")
    else:
        table.add_column("Chapter and file", footer="Total", overflow="fold")
    table.add_column("Words", justify="right", no_wrap=True, footer=_n(stats.current.word_count))
    if layout != "narrow":
        table.add_column(
            "Characters", justify="right", no_wrap=True, footer=_n(stats.current.character_count)
        )
    targets = has_targets(stats)
    if targets:
        table.add_column("Target", justify="right", footer="")
    for index, chapter in enumerate(stats.breakdown.chapters, start=1):
        if layout == "wide":
            cells: list[RenderableType] = [Text(chapter.title), Text(chapter.file)]
        else:
            cells = [Text.assemble(chapter.title, "\n", (chapter.file, "dim"))]
        counts: list[RenderableType] = [_n(chapter.word_count)]
        if layout != "narrow":
            counts.append(_n(chapter.character_count))
        if targets:
            over = chapter.target is not None and chapter.target.overrun
            counts.append(Text(chapter_target_text(chapter), style="yellow" if over else ""))
        table.add_row(str(index), *cells, *counts)
    return table


class _Chapters:
    """The chapters table in the widest layout that fits the line without wrapping a path."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for layout in ("wide", "stacked"):
            table = chapters_table(self.stats, layout=layout)
            natural = console.measure(table, options=options.update_width(_UNLIMITED)).maximum
            if natural <= options.max_width:
                yield table
                return
        yield chapters_table(self.stats, layout="narrow")


def manuscript_table(stats: Stats) -> Table | None:
    if not stats.breakdown.manuscript:
        return None
    title = "Manuscript files (not in the total)"
    table = Table(title=title, title_justify="left", min_width=len(title))
    table.add_column("File", overflow="fold")
    table.add_column("Words", justify="right", no_wrap=True)
    for entry in stats.breakdown.manuscript:
        table.add_row(Text(entry.file), _n(entry.word_count))
    return table


def streak_lines(stats: Stats) -> list[Text]:
    """`Streak: 4 days (longest 9 days)` and `40 writing days, the last on 2025-10-29`."""
    streak = stats.streaks
    if streak.last_write_date is None:
        return []
    return [
        Text.assemble(
            "Streak: ",
            (_days(streak.current_days), "bold" if streak.current_days else "dim"),
            f" (longest {_days(streak.longest_days)})",
        ),
        Text(
            f"{plural(streak.total_writing_days, 'writing day')}, the last on "
            f"{streak.last_write_date}"
        ),
    ]


class _StreakBlock:
    """The heatmap of the last weeks with the streak beside it, or under it when the line is
    too narrow for both."""

    def __init__(self, heatmap: list[Text], streak: list[Text]) -> None:
        self.heatmap = heatmap
        self.streak = streak

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        left = max(line.cell_len for line in self.heatmap)
        right = max(line.cell_len for line in self.streak)
        if left + _GAP + right > options.max_width:
            yield from self.streak
            yield from self.heatmap
            return
        # The streak beside the heatmap's first rows (under the month labels).
        for row, line in enumerate(self.heatmap):
            beside = self.streak[row - 1] if 0 < row <= len(self.streak) else None
            if beside is None:
                yield line
            else:
                yield Text.assemble(line, " " * (left - line.cell_len + _GAP), beside)


def heatmap_lines(history: list[HistoryEntry], end: date, weeks: int = HEATMAP_WEEKS) -> list[Text]:
    """The words added per day over the last `weeks` weeks (Monday at the top, the week of
    `end` last), one character a day at the heatmap's levels, with month labels and a legend."""
    added = added_by_day(history)
    end = window_end(end, 7 * weeks)
    start = end - timedelta(days=end.weekday() + 7 * (weeks - 1))
    months = Text("    ")
    for week in range(weeks):
        monday = start + timedelta(days=7 * week)
        if monday.day <= 7 and months.cell_len <= 4 + week:
            months.append(" " * (4 + week - months.cell_len))
            months.append(MONTHS[monday.month - 1], "dim")
    lines = [months]
    for row in range(7):
        line = Text(_WEEKDAYS[row].ljust(4), "dim")
        for week in range(weeks):
            offset = 7 * week + row
            if offset > (end - start).days:  # after `end` (compared first: 9999-12-31 is a Friday)
                break
            day = start + timedelta(days=offset)
            level = heat_level(added.get(day, 0))
            line.append(_HEAT[level], _HEAT_STYLES[level])
        lines.append(line)
    return lines


def heatmap_legend() -> Text:
    """`· 0  ░ 1+  ▒ 250+  ▓ 750+  █ 1,500+`: the characters of the heatmap's levels."""
    legend = Text()
    for level, floor in enumerate((0, *LEVELS)):
        legend.append("  " if level else "")
        legend.append(_HEAT[level], _HEAT_STYLES[level])
        legend.append(f" {_n(floor)}{'+' if level else ''}")
    return legend


def streak_block(stats: Stats, today: date | None = None) -> RenderableType | None:
    """The streak and, beside it, the heatmap of the last weeks (up to `today`, else the
    newest history day)."""
    streak = streak_lines(stats)
    if not streak or not stats.history:
        return Group(*streak) if streak else None
    end = today or date.fromisoformat(stats.history[0].date)
    key = [Text(), Text("Words added a day:", "dim"), heatmap_legend()]
    return _StreakBlock(heatmap_lines(stats.history, end), [*streak, *key])


def chart_cells(history: list[HistoryEntry], end: date, days: int = CHART_DAYS) -> list[int | None]:
    """Words written on each of the `days` days up to `end`, oldest first (None: no entry)."""
    by_day = {entry.date: entry.words_written for entry in history}
    end = window_end(end, days)
    start = end - timedelta(days=days - 1)
    return [by_day.get((start + timedelta(days=i)).isoformat()) for i in range(days)]


def words_chart(stats: Stats, today: date | None = None) -> RenderableType | None:
    """One line of bars: the words written on each of the last 30 days (up to `today`, else
    the newest history day). A dot is a day without commits, a red bar a day that cut."""
    if not stats.history:
        return None
    end = window_end(today or date.fromisoformat(stats.history[0].date), CHART_DAYS)
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
        + (f" (best day {_n(top)})" if top else ""),
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
        f" in {plural(stats.current.chapter_count, 'chapter')}",
    )
    parts: list[RenderableType | None] = [
        headline,
        progress_line(stats),
        *(Text(line) for line in goal_lines(stats.goal)),
        streak_block(stats, today),
        _today(stats, today),
        words_chart(stats, today),
        _Chapters(stats),
        manuscript_table(stats),
    ]
    return Group(*(p for p in parts if p is not None))
