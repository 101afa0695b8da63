"""The job summary of the GitHub Action: Markdown with totals, progress, a chart and the chapters.

A pure function of the stats: it reads nothing and writes nothing, so a test can check its
exact lines. GitHub renders the Markdown (and the Mermaid chart) on the workflow run's page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..goaltext import goal_lines, today_changes
from ..statsfile import HistoryEntry, Stats
from ..wording import days as _days
from ..wording import number as _n

#: How many writing days the chart shows at most (the most recent ones).
CHART_DAYS = 30
_BAR_CELLS = 20


#: Characters that would start Markdown of their own (emphasis, code, links, strikethrough,
#: a heading's closing `#`, a table's `|`), shown as themselves with a backslash before them.
_MARKDOWN = frozenset("\\`*_[]~#|")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _cell(text: str) -> str:
    """`text` shown as it is in a heading or a table cell: one line, no Markdown, no HTML."""
    return "".join(
        _HTML.get(char, "\\" + char if char in _MARKDOWN else char)
        for char in " ".join(text.split())
    )


def _code(text: str) -> str:
    """`text` as a code span in a table cell (where only `|` needs a backslash)."""
    text = " ".join(text.split()).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def words_today(stats: Stats, today: str) -> int:
    """Words written on `today` (YYYY-MM-DD): the newest history entry's, if it is today's."""
    if stats.history and stats.history[0].date == today:
        return stats.history[0].words_written
    return 0


def progress_bar(words: int, target: int) -> str:
    """`▓▓▓▓░░░░…` in 20 cells, full at (or past) the target."""
    filled = min(_BAR_CELLS, words * _BAR_CELLS // target) if target > 0 else 0
    return "▓" * filled + "░" * (_BAR_CELLS - filled)


def word_chart(history: Sequence[HistoryEntry], days: int = CHART_DAYS) -> list[str]:
    """A Mermaid `xychart-beta` of the word count over the last `days` writing days.

    `history` is newest first (as in the file); the chart runs oldest to newest. No lines with
    fewer than two days: a line through one point draws nothing.
    """
    recent = list(reversed(history[:days]))
    if len(recent) < 2:
        return []
    dates = ", ".join(f'"{entry.date}"' for entry in recent)
    counts = ", ".join(str(entry.word_count) for entry in recent)
    top = max(entry.word_count for entry in recent)
    return [
        "```mermaid",
        "xychart-beta",
        '    title "Words over the last writing days"',
        f"    x-axis [{dates}]",
        f'    y-axis "Words" 0 --> {max(top, 1)}',
        f"    line [{counts}]",
        "```",
    ]


def _changes_rows(stats: Stats, today: str) -> list[str]:
    changes = today_changes(stats, today)
    if changes is None:
        return []
    return [f"| Added today | {_n(changes[0])} |", f"| Deleted today | {_n(changes[1])} |"]


def build_summary(
    stats: Stats,
    *,
    today: str,
    status: str,
    notes: Sequence[str] = (),
) -> str:
    """The Markdown of the job summary.

    `today` is the writing day of the run (YYYY-MM-DD), `status` one sentence on what the run
    did with the file ("Committed the stats as `abc1234`."), `notes` more sentences shown as a
    list under it.
    """
    current = stats.current
    lines = [
        f"## Writing stats: {_cell(stats.project.name)}",
        "",
        status,
    ]
    if notes:
        lines.append("")
        lines.extend(f"- {note}" for note in notes)
    streak = stats.streaks
    lines += [
        "",
        "| | |",
        "| --- | ---: |",
        f"| Words | {_n(current.word_count)} |",
        f"| Chapters | {_n(current.chapter_count)} |",
        f"| Characters | {_n(current.character_count)} |",
        f"| Written today ({today}) | {_n(words_today(stats, today))} |",
        *_changes_rows(stats, today),
        f"| Current streak | {_days(streak.current_days)} |",
        f"| Longest streak | {_days(streak.longest_days)} |",
    ]
    target = stats.project.target_word_count
    if target:
        share = current.word_count / target
        lines += [
            "",
            f"**Progress:** {_n(current.word_count)} of {_n(target)} words ({share:.1%})",
            "",
            f"`{progress_bar(current.word_count, target)}`",
        ]
        goal = goal_lines(stats.goal)
        if goal:
            lines += ["", *(f"- {line}" for line in goal)]
    chart = word_chart(stats.history)
    if chart:
        shown = min(len(stats.history), CHART_DAYS)
        lines += ["", f"### Word count, last {_days(shown)} of writing", "", *chart]
    chapters = stats.breakdown.chapters
    lines += ["", "### Chapters", ""]
    if chapters:
        lines += ["| # | Chapter | File | Words |", "| ---: | --- | --- | ---: |"]
        lines += [
            f"| {index} | {_cell(chapter.title)} | {_code(chapter.file)} | "
            f"{_n(chapter.word_count)} |"
            for index, chapter in enumerate(chapters, start=1)
        ]
        lines.append(f"| | **Total** | | **{_n(current.word_count)}** |")
    else:
        lines.append("No chapter files found.")
    return "\n".join(lines) + "\n"


__all__ = ["CHART_DAYS", "build_summary", "progress_bar", "word_chart", "words_today"]
