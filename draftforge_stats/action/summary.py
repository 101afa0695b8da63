"""The job summary of the GitHub Action: Markdown with totals, progress, a chart and the chapters.

A pure function of the stats: it reads nothing and writes nothing, so a test can check its
exact lines. GitHub renders the Markdown (and the Mermaid chart) on the workflow run's page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, timedelta

from ..dates import window_end
from ..errors import Problem
from ..goaltext import chapter_target_text, goal_lines, has_targets, today_changes
from ..images.days import MONTHS, words_added
from ..statsfile import HistoryEntry, Stats
from ..wording import days as _days
from ..wording import number as _n
from ..wording import percent

#: How many days the chart shows: the last 30, ending on the run's writing day.
CHART_DAYS = 30
#: One day in this many has a date label on the chart's axis.
_LABEL_EVERY = 5
#: The bars' colour: a contrast of at least 3 to 1 on white, on GitHub's dark background
#: (#0d1117) and on Mermaid's dark theme (#333333).
CHART_COLOUR = "#3a8e4f"
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


def _chart_label(day: date, index: int, days: int) -> str:
    """A date label on every :data:`_LABEL_EVERY`-th day counted back from the last; the
    other days get labels that show nothing but are unique (zero-width spaces), because
    Mermaid merges equal categories."""
    if (days - 1 - index) % _LABEL_EVERY == 0:
        return f"{MONTHS[day.month - 1]} {day.day}"
    return "\u200b" * (index + 1)


def word_chart(history: Sequence[HistoryEntry], end: date, days: int = CHART_DAYS) -> list[str]:
    """A Mermaid `xychart-beta` bar chart of the words added on each of the `days` days up to
    `end`, days without writing included (as 0), oldest first.

    The bars' colour is set (`plotColorPalette`) to one that shows on GitHub's light and dark
    backgrounds; one day in :data:`_LABEL_EVERY` is labelled, so at most 6 labels in 30 days.
    No chart without history.
    """
    if not history:
        return []
    added = {entry.date: words_added(entry) for entry in history}
    end = window_end(end, days)
    start = end - timedelta(days=days - 1)
    span = [start + timedelta(days=i) for i in range(days)]
    values = [added.get(day.isoformat(), 0) for day in span]
    labels = ", ".join(f'"{_chart_label(day, i, days)}"' for i, day in enumerate(span))
    palette = json.dumps({"themeVariables": {"xyChart": {"plotColorPalette": CHART_COLOUR}}})
    return [
        "```mermaid",
        f"%%{{init: {palette}}}%%",
        "xychart-beta",
        f'    title "Words added per day, {start.isoformat()} to {end.isoformat()}"',
        f"    x-axis [{labels}]",
        f'    y-axis "Words added" 0 --> {max(max(values), 1)}',
        f"    bar [{', '.join(str(value) for value in values)}]",
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
        "| Measure | Value |",
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
        share = percent(current.word_count, target)
        lines += [
            "",
            f"**Progress:** {_n(current.word_count)} of {_n(target)} words ({share})",
            "",
            f"`{progress_bar(current.word_count, target)}`",
        ]
        goal = goal_lines(stats.goal)
        if goal:
            lines += ["", *(f"- {line}" for line in goal)]
    chart = word_chart(stats.history, date.fromisoformat(today))
    if chart:
        lines += ["", f"### Words added, last {CHART_DAYS} days", "", *chart]
    chapters = stats.breakdown.chapters
    lines += ["", "### Chapters", ""]
    if chapters:
        targets = has_targets(stats)
        extra = (" Target |", " ---: |", " |") if targets else ("", "", "")
        lines += [
            f"| # | Chapter | File | Words |{extra[0]}",
            f"| ---: | --- | --- | ---: |{extra[1]}",
        ]
        lines += [
            f"| {index} | {_cell(chapter.title)} | {_code(chapter.file)} | "
            f"{_n(chapter.word_count)} |"
            + (f" {chapter_target_text(chapter)} |" if targets else "")
            for index, chapter in enumerate(chapters, start=1)
        ]
        lines.append(f"| | **Total** | | **{_n(current.word_count)}** |{extra[2]}")
    else:
        lines.append("No chapter files found.")
    return "\n".join(lines) + "\n"


def failure_summary(message: str, problems: Sequence[Problem], status: str) -> str:
    """The job summary of a failed run: what is wrong (each problem of a file with its place,
    in a table), and what the run did before it failed (`status`)."""
    lines = ["## Writing stats: the job failed", ""]
    lines.append(_cell(message.splitlines()[0] if problems else message))
    if problems:
        lines += ["", "| File | Line | Key | Problem |", "| --- | ---: | --- | --- |"]
        for problem in problems:
            where = f"{problem.line}:{problem.column}" if problem.line is not None else ""
            what = problem.message + (f" ({problem.hint})" if problem.hint else "")
            lines.append(
                f"| {_code(problem.file)} | {where} | {_code(problem.path)} | {_cell(what)} |"
            )
    lines += ["", status]
    return "\n".join(lines) + "\n"


__all__ = [
    "CHART_COLOUR",
    "CHART_DAYS",
    "build_summary",
    "failure_summary",
    "progress_bar",
    "word_chart",
    "words_today",
]
