"""action/summary.py: the job summary's exact Markdown."""

from __future__ import annotations

from draftforge_stats.action.summary import build_summary, progress_bar, word_chart
from tests.builders import history_entry, summary_stats


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
        "| | |",
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
        "### Word count, last 2 days of writing",
        "",
        "```mermaid",
        "xychart-beta",
        '    title "Words over the last writing days"',
        '    x-axis ["2025-03-09", "2025-03-10"]',
        '    y-axis "Words" 0 --> 250',
        "    line [200, 250]",
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
    assert "| Written today (2025-03-10) | 0 |" in text.splitlines()
    assert "Progress" not in text
    assert word_chart([]) == []
    assert progress_bar(5000, 1000) == "▓" * 20


def test_the_chart_shows_the_last_30_days_oldest_first() -> None:
    history = [history_entry(f"2025-01-{day:02d}", day * 10, 10) for day in range(31, 0, -1)]
    chart = word_chart(history)
    assert (
        chart[3] == "    x-axis [" + ", ".join(f'"2025-01-{day:02d}"' for day in range(2, 32)) + "]"
    )
    assert chart[5] == "    line [" + ", ".join(str(day * 10) for day in range(2, 32)) + "]"


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


def test_one_day_of_history_makes_no_chart() -> None:
    # A line through one point draws nothing: the chart starts with the second writing day.
    stats = summary_stats([history_entry("2025-03-10", 250, 250)])

    text = build_summary(stats, today="2025-03-10", status="S.")

    assert word_chart(stats.history) == []
    assert "mermaid" not in text
    assert "### Word count" not in text
    assert "| Written today (2025-03-10) | 250 |" in text.splitlines()
