"""`progress.svg`: a card with the title, the total, a bar toward the target, today and streaks.

A pure function: stats in, SVG text out; no I/O, no clock (today is an argument).
"""

from __future__ import annotations

from datetime import date

from ..statsfile import Stats
from ..wording import days as _days
from ..wording import number, percent, plural
from .days import added_by_day
from .svg import document, project_name, rect, shorten, style, text

WIDTH = 480
#: The bar: where it starts, how wide it is when full, its top and height (pixels).
BAR_X = 20
BAR_WIDTH = 440
BAR_Y = 84
BAR_HEIGHT = 12
#: The title fits in this many half-em units of its 18 px bold face (about 440 px).
TITLE_UNITS = 44

_CLASSES = ("bg", "border", "fg", "muted", "track", "bar", "par")
_EXTRA = (".title{font-size:18px;font-weight:600}", ".big{font-size:26px;font-weight:600}",
          ".small{font-size:13px}")  # fmt: skip


def _label_anchor(x: float) -> str:
    """Centre the par label on its mark, unless that would push it off the card."""
    if x <= BAR_X + 40:
        return "start"
    return "end" if x >= WIDTH - 40 else "middle"


def bar_width(words: int, target: int) -> float:
    """The filled part of the bar in pixels (full at or past the target), to 0.1 px."""
    share = min(words / target, 1.0) if target > 0 else 0.0
    return round(share * BAR_WIDTH, 1)


def render_progress(stats: Stats, *, today: date, par: int | None = None) -> str:
    """The card's SVG. `today` is the writing day shown as "today"; `par` (words), when the
    project has a deadline, is where the author should be today: a mark on the bar."""
    words = stats.current.word_count
    target = stats.project.target_word_count
    streaks = stats.streaks
    added = added_by_day(stats.history).get(today, 0)
    title = shorten(stats.project.name, TITLE_UNITS)
    body = [
        text(20, 34, title, "fg title"),
        text(20, 70, plural(words, "word"), "fg big"),
    ]
    desc_parts = [plural(words, "word")]
    y = BAR_Y
    if target:
        share = percent(words, target)
        body += [
            text(
                WIDTH - 20,
                70,
                f"{share} of {number(target)}",
                "muted small",
                anchor="end",
            ),
            rect(BAR_X, y, BAR_WIDTH, BAR_HEIGHT, "track", ' rx="3"'),
            rect(BAR_X, y, bar_width(words, target), BAR_HEIGHT, "bar", ' rx="3"'),
        ]
        desc_parts.append(f"{share} of the target of {plural(target, 'word')}")
        if par is not None:
            px = BAR_X + bar_width(par, target)
            body += [
                rect(px - 1, y - 4, 2, BAR_HEIGHT + 8, "par"),
                text(px, y + BAR_HEIGHT + 16, f"par {number(par)}", "muted small",
                     anchor=_label_anchor(px)),
            ]  # fmt: skip
            desc_parts.append(f"par today {plural(par, 'word')}")
        y += BAR_HEIGHT + (34 if par is not None else 22)
    else:
        y += 6
    streak = f"Streak {_days(streaks.current_days)} (longest {_days(streaks.longest_days)})"
    body += [
        text(20, y + 10, f"Today: +{plural(added, 'word')}", "fg small"),
        text(WIDTH - 20, y + 10, streak, "fg small", anchor="end"),
    ]
    desc_parts += [
        f"{plural(added, 'word')} added today ({today.isoformat()})",
        f"current streak {_days(streaks.current_days)}",
        f"longest streak {_days(streaks.longest_days)}",
    ]
    return document(
        ident="progress",
        width=WIDTH,
        height=int(y + 30),  # the last line of text, and a margin
        title=f"{project_name(stats.project.name)}: writing progress",
        desc=", ".join(desc_parts) + ".",
        body=body,
        style_lines=style(_CLASSES, _EXTRA),
    )


__all__ = ["BAR_HEIGHT", "BAR_WIDTH", "BAR_X", "BAR_Y", "WIDTH", "bar_width", "render_progress"]
