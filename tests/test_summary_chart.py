"""The job summary's chart and totals table: readable in both themes, every day on the axis."""

from __future__ import annotations

import re
from datetime import date

from draftforge_stats.summary import CHART_COLOUR, build_summary, word_chart
from tests.imaging import contrast, entry, make_stats


def axis_labels(chart: list[str]) -> list[str]:
    line = next(line for line in chart if line.startswith("    x-axis ["))
    return re.findall(r'"([^"]*)"', line)


def test_days_without_writing_are_on_the_axis_as_zero() -> None:
    # Written on 3 and 10 January 2025, a cut on 5 January; the chart ends on 12 January.
    history = [
        entry(date(2025, 1, 10), 500, 1400),
        entry(date(2025, 1, 5), -100, 900),
        entry(date(2025, 1, 3), 1000, 1000),
    ]
    chart = word_chart(history, date(2025, 1, 12))
    bars = chart[6].removeprefix("    bar [").removesuffix("]").split(", ")
    assert len(bars) == 30  # 14 December 2024 to 12 January 2025, every day
    assert bars[20:] == ["1000", "0", "0", "0", "0", "0", "0", "500", "0", "0"]
    assert bars[:20] == ["0"] * 20
    assert chart[3] == '    title "Words added per day, 2024-12-14 to 2025-01-12"'
    assert chart[5] == '    y-axis "Words added" 0 --> 1000'


def test_at_most_six_date_labels_and_every_category_distinct() -> None:
    chart = word_chart([entry(date(2025, 1, 3), 10, 10)], date(2025, 1, 12))
    labels = axis_labels(chart)
    assert len(labels) == len(set(labels)) == 30
    shown = [label for label in labels if label.strip("\u200b")]
    # Counted back from 12 January in fives: 12 Jan, 7 Jan, 2 Jan, 28 Dec, 23 Dec, 18 Dec.
    assert shown == ["Dec 18", "Dec 23", "Dec 28", "Jan 2", "Jan 7", "Jan 12"]


def test_the_bars_colour_shows_on_light_and_dark_backgrounds() -> None:
    chart = word_chart([entry(date(2025, 1, 3), 10, 10)], date(2025, 1, 12))
    assert f'"plotColorPalette": "{CHART_COLOUR}"' in chart[1]
    for background in ("#ffffff", "#0d1117", "#333333"):  # GitHub light, dark; Mermaid dark
        assert contrast(CHART_COLOUR, background) >= 3, background


def test_the_totals_table_has_a_header_row() -> None:
    lines = build_summary(make_stats({date(2025, 1, 3): 10}), today="2025-01-03", status="S.")
    table = lines.splitlines()[4:7]
    assert table == ["| Measure | Value |", "| --- | ---: |", "| Words | 10 |"]
