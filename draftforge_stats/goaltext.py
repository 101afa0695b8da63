"""The goal and today's words added and deleted, as short sentences for people to read.

Pure: stats in, plain strings out (no Markdown, no colour); the terminal report and the
Action's job summary both show these lines, so they say the same thing.
"""

from __future__ import annotations

from .statsfile import ChapterEntry, GoalInfo, Stats
from .wording import number as _n
from .wording import percent, plural

__all__ = ["chapter_target_text", "goal_lines", "has_targets", "today_changes", "today_line"]


def _words(count: int) -> str:
    return plural(count, "word")


def _days(count: int) -> str:
    return plural(count, "writing day")


def goal_lines(goal: GoalInfo | None) -> list[str]:
    """What the goal says: what is left, what it takes a day, par, pace and finish."""
    if goal is None:
        return []
    lines: list[str] = []
    if goal.words_remaining == 0:
        lines.append(f"Goal: {_words(goal.target_word_count)}, reached.")
    elif goal.deadline is None:
        lines.append(
            f"Goal: {_words(goal.target_word_count)} (no deadline): "
            f"{_words(goal.words_remaining)} to go."
        )
    elif goal.words_per_day_needed is None:
        lines.append(
            f"Goal: {_words(goal.target_word_count)} by {goal.deadline}: no writing day is "
            f"left before the deadline, with {_words(goal.words_remaining)} to go."
        )
    else:
        lines.append(
            f"Goal: {_words(goal.target_word_count)} by {goal.deadline}: "
            f"{_words(goal.words_per_day_needed)} a writing day needed "
            f"({_words(goal.words_remaining)} in {_days(goal.days_remaining or 0)})."
        )
    if goal.par is not None and goal.ahead_by is not None:
        if goal.ahead_by > 0:
            where = f"{_words(goal.ahead_by)} ahead"
        elif goal.ahead_by < 0:
            where = f"{_words(-goal.ahead_by)} behind"
        else:
            where = "on par"
        lines.append(f"Par for today: {_n(goal.par)}; you are {where}.")
    if goal.words_remaining:
        pace = f"Recent pace: {_words(goal.recent_pace)} a writing day (last 14 days)"
        if goal.projected_finish is not None:
            lines.append(f"{pace}; at this pace, finished on {goal.projected_finish}.")
        else:
            lines.append(f"{pace}: no finish date to project.")
    return lines


def today_changes(stats: Stats, today: str) -> tuple[int, int] | None:
    """Words (added, deleted) on `today` (YYYY-MM-DD): (0, 0) without an entry for today,
    None when today's entry does not know them (kept from a 1.0.0 file)."""
    if not stats.history or stats.history[0].date != today:
        return (0, 0)
    entry = stats.history[0]
    if entry.words_added is None or entry.words_deleted is None:
        return None
    return (entry.words_added, entry.words_deleted)


def today_line(stats: Stats, today: str) -> str | None:
    """`Today (2025-10-29): 1,480 words added, 230 deleted.`, None when unknown."""
    changes = today_changes(stats, today)
    if changes is None:
        return None
    added, deleted = changes
    return f"Today ({today}): {_words(added)} added, {_n(deleted)} deleted."


def has_targets(stats: Stats) -> bool:
    """Whether any chapter has a target (the chapter tables then show a target column)."""
    return any(chapter.target is not None for chapter in stats.breakdown.chapters)


def chapter_target_text(chapter: ChapterEntry) -> str:
    """`60.0% of 3,000`, `133.3% of 30, over` past the overrun threshold; "" without one."""
    target = chapter.target
    if target is None:
        return ""
    text = f"{percent(chapter.word_count, target.words)} of {_n(target.words)}"
    return text + (", over" if target.overrun else "")
