"""wording.percent: a share of the target reads 100% only once the target is reached and 0%
only with no words, in the terminal report, the card, the job summary and the badge."""

from __future__ import annotations

import json
from datetime import date

import pytest
from rich.console import Console

from draftforge_stats.action.summary import build_summary
from draftforge_stats.images import render_badge, render_progress
from draftforge_stats.report import progress_line
from draftforge_stats.wording import percent
from tests.imaging import END, make_stats, texts


@pytest.mark.parametrize(
    ("part", "whole", "digits", "shown"),
    [
        (45678, 80000, 1, "57.1%"),  # 57.0975
        (79999, 80000, 1, "99.9%"),  # 99.99875 would round to 100.0
        (79960, 80000, 1, "99.9%"),  # 99.95
        (80000, 80000, 1, "100.0%"),
        (81000, 80000, 1, "101.2%"),  # 101.25, rounded half to even
        (1, 80000, 1, "0.1%"),  # 0.00125 would round to 0.0
        (0, 80000, 1, "0.0%"),
        (79999, 80000, 0, "99%"),
        (300, 80000, 0, "1%"),  # 0.375
        (45678, 80000, 0, "57%"),
    ],
)
def test_percent(part: int, whole: int, digits: int, shown: str) -> None:
    assert percent(part, whole, digits) == shown


def test_one_word_short_of_the_target_is_not_shown_as_reached() -> None:
    stats = make_stats({END: 79999})  # target 80,000
    assert "99.9% of 80,000" in texts(render_progress(stats, today=END))
    badge = json.loads(render_badge(stats))
    assert (badge["message"], badge["color"]) == ("79,999 / 80,000 (99%)", "blue")
    summary = build_summary(stats, today=END.isoformat(), status="")
    assert "**Progress:** 79,999 of 80,000 words (99.9%)" in summary
    line = progress_line(stats)
    assert line is not None
    console = Console(width=80, color_system=None)
    with console.capture() as capture:
        console.print(line)
    # 40 cells (80 columns less the 24 of the caption, at most 40): 39 filled, 1 left
    assert capture.get() == "█" * 39 + "░" + " 99.9% of 80,000 words\n"


def test_the_first_word_shows() -> None:
    stats = make_stats({date(2025, 10, 29): 1})
    assert "0.1% of 80,000" in texts(render_progress(stats, today=END))
