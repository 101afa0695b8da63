"""`calendar.svg`: a heatmap of the words added per day over the last year.

53 weeks of 7 days (Monday at the top), in the manner of GitHub's contribution calendar,
with month labels, weekday labels and a legend. A pure function: stats in, SVG text out;
no I/O, no clock (the last day shown is an argument).
"""

from __future__ import annotations

from datetime import date, timedelta

from ..dates import window_end
from ..statsfile import Stats
from ..wording import days as _days
from ..wording import plural
from .days import MONTHS, added_by_day
from .svg import document, project_name, rect, shorten, style, text

WEEKS = 53
CELL = 10
STEP = 13  # a cell and the gap after it
LEFT = 40  # the weekday labels' column
TOP = 52  # above: the title and the month labels
WIDTH = LEFT + WEEKS * STEP + 14
HEIGHT = TOP + 7 * STEP + 40
#: The heatmap's levels: a day with at least this many words added has that level (1 to 4).
#: Level 0 is a day with no words added (no commit, or only cuts).
LEVELS = (1, 250, 750, 1500)
TITLE_UNITS = 60
TITLE_SUFFIX = ": words added per day"

_CLASSES = ("bg", "border", "fg", "muted", "l0", "l1", "l2", "l3", "l4")
_EXTRA = (".title{font-size:14px;font-weight:600}", ".small{font-size:10px}")


def level(words: int) -> int:
    """The level (0 to 4) of a day with `words` added."""
    return sum(1 for floor in LEVELS if words >= floor)


def first_day(end: date) -> date:
    """The Monday of the first of the 53 weeks that end with the week of `end`."""
    return end - timedelta(days=end.weekday() + 7 * (WEEKS - 1))


def cell_origin(day: date, end: date) -> tuple[int, int]:
    """The top left corner of `day`'s cell in a calendar that ends on `end`."""
    offset = (day - first_day(end)).days
    return LEFT + (offset // 7) * STEP, TOP + (offset % 7) * STEP


def render_calendar(stats: Stats, *, end: date) -> str:
    """The heatmap's SVG for the year that ends on `end` (the writing day of the run)."""
    end = window_end(end, 7 * WEEKS)
    added = added_by_day(stats.history)
    start = first_day(end)
    days = (end - start).days + 1
    # A long name is cut, never the words that say what the picture shows.
    name = shorten(stats.project.name, TITLE_UNITS - len(TITLE_SUFFIX))
    body = [text(LEFT, 22, name + TITLE_SUFFIX, "fg title")]
    # Month labels above the first week whose Monday is in a new month.
    for week in range(WEEKS):
        monday = start + timedelta(days=7 * week)
        if monday.day <= 7 and week < WEEKS - 1:
            label = MONTHS[monday.month - 1]
            body.append(text(LEFT + week * STEP, TOP - 8, label, "muted small"))
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        body.append(text(LEFT - 6, TOP + row * STEP + 9, name, "muted small", anchor="end"))
    total = 0
    active = 0
    for offset in range(days):
        day = start + timedelta(days=offset)
        words = added.get(day, 0)
        total += words
        active += 1 if words > 0 else 0
        x, y = cell_origin(day, end)
        body.append(
            rect(x, y, CELL, CELL, f"l{level(words)}",
                 f' rx="2" data-date="{day.isoformat()}" data-words="{words}"')
        )  # fmt: skip
    legend_y = TOP + 7 * STEP + 14
    added_words = plural(total, "word")
    summary = f"{added_words} added on {_days(active)}, {start.isoformat()} to {end.isoformat()}"
    body.append(text(LEFT, legend_y + 9, summary, "muted small"))
    right = WIDTH - 14
    legend_x = right - 5 * STEP - 30
    body.append(text(legend_x - 6, legend_y + 9, "Less", "muted small", anchor="end"))
    for index in range(5):
        body.append(rect(legend_x + index * STEP, legend_y, CELL, CELL, f"l{index}", ' rx="2"'))
    body.append(text(legend_x + 5 * STEP + 2, legend_y + 9, "More", "muted small"))
    desc = (
        f"A calendar of the 53 weeks from {start.isoformat()} to {end.isoformat()}, one square "
        f"a day, darker for more words added: {added_words} added on {_days(active)}."
    )
    return document(
        ident="calendar",
        width=WIDTH,
        height=HEIGHT,
        title=f"{project_name(stats.project.name)}: words added per day",
        desc=desc,
        body=body,
        style_lines=style(_CLASSES, _EXTRA),
    )


__all__ = [
    "CELL",
    "LEVELS",
    "STEP",
    "WEEKS",
    "cell_origin",
    "first_day",
    "level",
    "render_calendar",
]
