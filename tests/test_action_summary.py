"""action/summary.py: the job summary's exact Markdown, its chart readable in both themes
with every day on the axis, and its totals table with a header row."""

from __future__ import annotations

import re
from datetime import date

from draftforge_stats.action.summary import CHART_COLOUR, build_summary, progress_bar, word_chart
from draftforge_stats.statsfile import TargetInfo
from tests.builders import MARCH_LABELS, chapter, chart_labels, history_entry, summary_stats
from tests.builders import make_stats as book
from tests.imaging import contrast, entry, make_stats


def test_summary_golden() -> None:
    stats = summary_stats(
        [history_entry("2025-03-10", 250, 50), history_entry("2025-03-09", 200, 200)]
    )

    text = build_summary(
        stats, today="2025-03-10", status="Committed the stats.", notes=["A note."]
    )

    assert text.splitlines() == [
        "## Writing stats: A \\| B",
        "",
        "Committed the stats.",
        "",
        "- A note.",
        "",
        "| Measure | Value |",
        "| --- | ---: |",
        "| Words | 250 |",
        "| Chapters | 2 |",
        "| Characters | 1,400 |",
        "| Written today (2025-03-10) | 50 |",
        "| Current streak | 2 days |",
        "| Longest streak | 5 days |",
        "",
        "**Progress:** 250 of 1,000 words (25.0%)",
        "",
        "`▓▓▓▓▓░░░░░░░░░░░░░░░`",
        "",
        "### Words added, last 30 days",
        "",
        "```mermaid",
        '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#3a8e4f"}}}}%%',
        "xychart-beta",
        '    title "Words added per day, 2025-02-09 to 2025-03-10"',
        f"    x-axis [{chart_labels(MARCH_LABELS)}]",
        '    y-axis "Words added" 0 --> 200',
        "    bar [" + "0, " * 28 + "200, 50]",
        "```",
        "",
        "### Chapters",
        "",
        "| # | Chapter | File | Words |",
        "| ---: | --- | --- | ---: |",
        "| 1 | One \\| &lt;Two&gt; | `chapters/01.md` | 200 |",
        "| 2 | Three | `chapters/02.md` | 50 |",
        "| | **Total** | | **250** |",
    ]


def test_summary_without_history_target_or_today() -> None:
    stats = summary_stats([history_entry("2025-03-08", 250, 10)], target=None)
    text = build_summary(stats, today="2025-03-10", status="S.")
    lines = text.splitlines()
    assert "| Written today (2025-03-10) | 0 |" in lines
    # No target, no progress: the chart follows the table at once.
    end = lines.index("| Longest streak | 5 days |")
    assert lines[end + 1 : end + 3] == ["", "### Words added, last 30 days"]
    assert word_chart([], date(2025, 3, 10)) == []
    assert progress_bar(5000, 1000) == "▓" * 20


def test_the_chart_shows_the_last_30_days_oldest_first() -> None:
    history = [history_entry(f"2025-01-{day:02d}", day * 10, day) for day in range(31, 0, -1)]
    chart = word_chart(history, date(2025, 1, 31))
    assert chart[3] == '    title "Words added per day, 2025-01-02 to 2025-01-31"'
    assert chart[6] == "    bar [" + ", ".join(str(day) for day in range(2, 32)) + "]"


# ---------------------------------------------------------------------------------------------
# The summary: Markdown that shows names as they are


def test_the_summary_shows_markdown_characters_in_names_as_they_are() -> None:
    stats = summary_stats([history_entry("2025-03-10", 250, 50)], target=None)
    stats.project.name = '*Dark* _Tides_ [draft](x) `v2` & <b> "Q" #'
    stats.breakdown.chapters[0].title = "A ~~b~~ | c\\"
    stats.breakdown.chapters[0].file = "chapters/a<b>&|`c`.md"
    stats.breakdown.chapters[1].file = "`02`.md"

    lines = build_summary(stats, today="2025-03-10", status="S.").splitlines()

    assert lines[0] == (
        r'## Writing stats: \*Dark\* \_Tides\_ \[draft\](x) \`v2\` &amp; &lt;b&gt; "Q" \#'
    )
    assert lines[-3:] == [
        r"| 1 | A \~\~b\~\~ \| c\\ | ``chapters/a<b>&\|`c`.md`` | 200 |",
        "| 2 | Three | `` `02`.md `` | 50 |",
        "| | **Total** | | **250** |",
    ]


def test_one_day_of_history_makes_a_chart_of_one_bar() -> None:
    stats = summary_stats([history_entry("2025-03-10", 250, 250)])

    text = build_summary(stats, today="2025-03-10", status="S.")

    assert word_chart(stats.history, date(2025, 3, 10))[6] == "    bar [" + "0, " * 29 + "250]"
    assert "### Words added, last 30 days" in text
    assert "| Written today (2025-03-10) | 250 |" in text.splitlines()


# ---------------------------------------------------------------------------------------------
# The chart: every day on the axis, a few readable labels, a colour for both themes


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


def test_chapter_targets_have_a_column_only_when_a_chapter_has_one() -> None:
    stats = book([chapter("chapters/01.md", "One", 10, 50, 40)])
    plain = build_summary(stats, today="2025-01-03", status="S.")
    assert "| # | Chapter | File | Words |\n" in plain
    stats.breakdown.chapters[0].target = TargetInfo(words=8, percent=125.0, overrun=True)
    lines = build_summary(stats, today="2025-01-03", status="S.").splitlines()
    start = lines.index("| # | Chapter | File | Words | Target |")
    assert lines[start + 1] == "| ---: | --- | --- | ---: | ---: |"
    assert lines[start + 2].endswith("| 10 | 125.0% of 8, over |")
    assert lines[start + 3] == "| | **Total** | | **10** | |"
