"""images/calendar.py: the year heatmap's levels, and each day's cell where its date is, with
the colour of its level, drawn by a real renderer (resvg) in the light and the dark theme."""

from __future__ import annotations

from datetime import date

import pytest

from draftforge_stats.images import render_calendar, render_progress
from draftforge_stats.images.calendar import level
from draftforge_stats.statsfile import HistoryEntry
from tests.imaging import (
    END,
    THEMES,
    close,
    hex_rgb,
    make_stats,
    render,
    texts,
    theme_colours,
    themed,
)


@pytest.mark.parametrize(
    ("words", "expected"), [(0, 0), (-300, 0), (1, 1), (249, 1), (250, 2), (749, 2), (750, 3),
                            (1499, 3), (1500, 4), (90000, 4)]
)  # fmt: skip
def test_levels(words: int, expected: int) -> None:
    assert level(max(words, 0)) == expected


# Cells by hand: the calendar ending on Wednesday 2025-10-29 starts on Monday 2024-10-28
# (52 weeks and 2 days earlier). A cell is 10 px, one every 13 px, from (40, 52).
CELLS = {
    date(2024, 10, 28): ((40, 52), 0),  # the first day: nothing written
    date(2025, 6, 2): ((443, 52), 4),  # 217 days in: week 31, Monday; 1,500 words
    date(2025, 6, 3): ((443, 65), 0),  # a day that cut 300 words added none
    date(2025, 6, 4): ((443, 78), 0),  # no commit
    date(2025, 10, 27): ((716, 52), 2),  # week 52, Monday: 250 words
    date(2025, 10, 28): ((716, 65), 1),  # 249 words
    END: ((716, 78), 3),  # Wednesday: 800 words
}


@pytest.mark.parametrize("theme", THEMES)
def test_each_cell_sits_where_its_day_is_with_the_colour_of_its_level(theme: str) -> None:
    written = {date(2025, 6, 2): 1500, date(2025, 6, 3): -300, date(2025, 10, 27): 250,
               date(2025, 10, 28): 249, END: 800}  # fmt: skip
    svg = render_calendar(make_stats(written), end=END)
    colours = theme_colours(svg, theme)
    image = render(themed(svg, theme))
    for day, ((x, y), expected) in CELLS.items():
        assert close(image.getpixel((x + 5, y + 5)), hex_rgb(colours[f"l{expected}"])), day
    # after the last day, nothing is drawn: Thursday 2025-10-30 would be at (716, 91)
    assert close(image.getpixel((721, 96)), hex_rgb(colours["bg"]))
    assert svg.count('<rect class="l') == 367 + 5  # 52 weeks and 3 days, the legend's 5


def test_words_added_is_used_when_the_history_has_it() -> None:
    class WithAdded(HistoryEntry):
        words_added: int

    stats = make_stats({END: -50})
    stats.history[0] = WithAdded(**stats.history[0].model_dump(), words_added=1600)
    svg = render_calendar(stats, end=END)
    assert 'data-date="2025-10-29" data-words="1600"/>' in svg
    assert 'class="l4" x="716" y="78"' in svg
    assert "Today: +1,600 words" in texts(render_progress(stats, today=END))
