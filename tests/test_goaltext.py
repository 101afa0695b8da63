"""The goal and today's words added and deleted, as the report, the job summary and the
Action's outputs show them."""

from __future__ import annotations

from datetime import date

import pytest
from rich.console import Console

from draftforge_stats.action.job import action_outputs
from draftforge_stats.action.summary import build_summary
from draftforge_stats.goaltext import goal_lines, today_changes, today_line
from draftforge_stats.report import build_report
from draftforge_stats.statsfile import (
    Breakdown,
    Current,
    GoalInfo,
    HistoryEntry,
    ProjectInfo,
    Stats,
)

GOAL = GoalInfo(
    target_word_count=10_000,
    deadline="2026-03-31",
    words_remaining=6000,
    days_remaining=12,
    words_per_day_needed=500,
    par=5285,
    ahead_by=-1285,
    recent_pace=310,
    projected_finish="2026-04-10",
)
TODAY = HistoryEntry(
    date="2026-03-16",
    word_count=4000,
    chapter_count=1,
    commits=2,
    words_written=-300,
    words_added=1480,
    words_deleted=1780,
    commit_sha="a" * 40,
)


def stats(goal: GoalInfo | None, history: list[HistoryEntry]) -> Stats:
    return Stats(
        project=ProjectInfo(name="Book", type="novel", target_word_count=10_000),
        current=Current(
            word_count=4000,
            chapter_count=1,
            character_count=20_000,
            character_count_no_spaces=16_000,
            last_updated="2026-03-16T18:00:00Z",
        ),
        breakdown=Breakdown(),
        history=history,
        goal=goal,
        generated_at="2026-03-16T18:00:00Z",
    )


def test_goal_lines() -> None:
    assert goal_lines(GOAL) == [
        "Goal: 10,000 words by 2026-03-31: 500 words a writing day needed "
        "(6,000 words in 12 writing days).",
        "Par for today: 5,285; you are 1,285 words behind.",
        "Recent pace: 310 words a writing day (last 14 days); at this pace, finished on "
        "2026-04-10.",
    ]
    assert goal_lines(None) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"words_remaining": 0, "words_per_day_needed": 0, "ahead_by": 4715},
            ["Goal: 10,000 words, reached.", "Par for today: 5,285; you are 4,715 words ahead."],
        ),
        (
            {"days_remaining": 0, "words_per_day_needed": None, "par": 10_000, "ahead_by": 0},
            [
                "Goal: 10,000 words by 2026-03-31: no writing day is left before the deadline, "
                "with 6,000 words to go.",
                "Par for today: 10,000; you are on par.",
                "Recent pace: 310 words a writing day (last 14 days); at this pace, finished "
                "on 2026-04-10.",
            ],
        ),
        (
            {
                "deadline": None,
                "days_remaining": None,
                "words_per_day_needed": None,
                "par": None,
                "ahead_by": None,
                "recent_pace": 0,
                "projected_finish": None,
            },
            [
                "Goal: 10,000 words (no deadline): 6,000 words to go.",
                "Recent pace: 0 words a writing day (last 14 days): no finish date to project.",
            ],
        ),
    ],
)
def test_goal_lines_in_every_state(changes: dict[str, object], expected: list[str]) -> None:
    assert goal_lines(GOAL.model_copy(update=changes)) == expected


def test_today_changes() -> None:
    with_today = stats(GOAL, [TODAY])
    assert today_changes(with_today, "2026-03-16") == (1480, 1780)
    assert today_line(with_today, "2026-03-16") == (
        "Today (2026-03-16): 1,480 words added, 1,780 deleted."
    )
    assert today_changes(with_today, "2026-03-17") == (0, 0)  # nothing yet today
    old = stats(GOAL, [TODAY.model_copy(update={"words_added": None, "words_deleted": None})])
    assert (today_changes(old, "2026-03-16"), today_line(old, "2026-03-16")) == (None, None)


def test_the_report_shows_the_goal_and_today() -> None:
    console = Console(width=100, no_color=True, force_terminal=False, record=True)
    console.print(build_report(stats(GOAL, [TODAY]), date(2026, 3, 16)))
    lines = console.export_text().splitlines()
    assert lines[:6] == [
        "Book (novel): 4,000 words in 1 chapter",
        "█" * 16 + "░" * 24 + " 40.0% of 10,000 words",
        "Goal: 10,000 words by 2026-03-31: 500 words a writing day needed "
        "(6,000 words in 12 writing days).",
        "Par for today: 5,285; you are 1,285 words behind.",
        "Recent pace: 310 words a writing day (last 14 days); at this pace, finished on "
        "2026-04-10.",
        "Today (2026-03-16): 1,480 words added, 1,780 deleted.",
    ]


def test_the_summary_shows_the_goal_and_today() -> None:
    text = build_summary(stats(GOAL, [TODAY]), today="2026-03-16", status="Done.")
    assert "| Added today | 1,480 |\n| Deleted today | 1,780 |\n" in text
    assert (
        "`▓▓▓▓▓▓▓▓░░░░░░░░░░░░`\n\n"
        "- Goal: 10,000 words by 2026-03-31: 500 words a writing day needed "
        "(6,000 words in 12 writing days).\n"
        "- Par for today: 5,285; you are 1,285 words behind.\n"
        "- Recent pace: 310 words a writing day (last 14 days); at this pace, finished on "
        "2026-04-10.\n"
    ) in text


def test_action_outputs_of_the_goal() -> None:
    outputs = action_outputs(
        stats(GOAL, [TODAY]), today="2026-03-16", changed=True, commit_sha="", notified=False
    )
    assert (
        outputs["words-added-today"],
        outputs["words-per-day-needed"],
        outputs["projected-finish"],
    ) == ("1480", "500", "2026-04-10")
    none = action_outputs(
        stats(None, []), today="2026-03-16", changed=False, commit_sha="", notified=False
    )
    assert (
        none["words-added-today"],
        none["words-per-day-needed"],
        none["projected-finish"],
    ) == ("0", "", "")
    assert (
        action_outputs(None, today="x", changed=False, commit_sha="", notified=False)[
            "projected-finish"
        ]
        == ""
    )
