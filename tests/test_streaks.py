"""Writing days, "today" and streaks: the rules alone, then through real repositories."""

from __future__ import annotations

import json
from datetime import date, datetime

from click.testing import CliRunner

from draftforge_stats.cli import main
from draftforge_stats.pipeline import run_stats
from draftforge_stats.statsfile import HistoryEntry, Streaks
from draftforge_stats.streaks import compute_streaks, is_writing_day
from tests.gitutil import GitRepo


def entry(day: str, words_written: int = 100, commits: int = 1) -> HistoryEntry:
    return HistoryEntry(
        date=day,
        word_count=1000,
        chapter_count=1,
        commits=commits,
        words_written=words_written,
        commit_sha="a" * 40,
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# ------------------------------------------------------------------------------- streaks


def test_streaks_with_gaps() -> None:
    history = [
        entry("2025-01-01"),
        entry("2025-01-02"),
        entry("2025-01-03"),  # a run of 3
        entry("2025-01-05"),
        entry("2025-01-06"),  # a run of 2, the last writing day 6 January
    ]
    expect = Streaks(
        current_days=2, longest_days=3, last_write_date="2025-01-06", total_writing_days=5
    )
    assert compute_streaks(history, today=date(2025, 1, 6)) == expect  # written today
    assert compute_streaks(history, today=date(2025, 1, 7)) == expect  # yesterday
    late = compute_streaks(history, today=date(2025, 1, 8))  # two days without writing
    assert late == expect.model_copy(update={"current_days": 0})
    # A commit dated ahead of the run's clock keeps the streak alive.
    assert compute_streaks(history, today=date(2025, 1, 5)).current_days == 2
    # Any order in, same answer.
    assert compute_streaks(list(reversed(history)), today=date(2025, 1, 6)) == expect


def test_streaks_with_a_daily_goal() -> None:
    history = [
        entry("2025-02-01", 600),
        entry("2025-02-02", 500),  # exactly the goal counts
        entry("2025-02-03", 499),  # one short: not a writing day
        entry("2025-02-04", 800),
        entry("2025-02-05", -50),  # a day of cutting
    ]
    assert compute_streaks(history, today=date(2025, 2, 5), daily_goal=500) == Streaks(
        current_days=1, longest_days=2, last_write_date="2025-02-04", total_writing_days=3
    )
    assert compute_streaks(history, today=date(2025, 2, 5)) == Streaks(
        current_days=5, longest_days=5, last_write_date="2025-02-05", total_writing_days=5
    )
    assert not is_writing_day(entry("2025-02-06", 900, commits=0), None)
    # The day before "today" missed the goal: the last writing day is two days back.
    assert compute_streaks(history[:3], today=date(2025, 2, 4), daily_goal=500).current_days == 0
    assert compute_streaks(history[:3], today=date(2025, 2, 3), daily_goal=500).current_days == 2


def test_no_history_no_streak() -> None:
    assert compute_streaks([], today=date(2025, 1, 1)) == Streaks()


# ------------------------------------------------------------------- through a repository


def words(n: int) -> str:
    return " ".join(["word"] * n) + "\n"


def test_today_follows_the_authors_clock_without_a_time_zone(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-03-01T09:00:00-08:00", files={"chapters/01.md": words(3)})
    git_repo.commit("b", "2025-03-01T21:00:00-08:00", files={"chapters/01.md": words(5)})
    # 06:00 UTC on 3 March is 22:00 on 2 March in California: the writer wrote yesterday.
    result = run_stats(git_repo.path, now=at("2025-03-03T06:00:00+00:00"))
    assert result.today == date(2025, 3, 2)
    assert result.stats.streaks == Streaks(
        current_days=1, longest_days=1, last_write_date="2025-03-01", total_writing_days=1
    )
    # In the same offset, 3 March has begun: the streak is over.
    later = run_stats(git_repo.path, now=at("2025-03-03T08:00:00+00:00"), write=False)
    assert (later.today, later.stats.streaks.current_days) == (date(2025, 3, 3), 0)


def test_today_without_a_time_zone_also_starts_at_the_day_start(git_repo: GitRepo) -> None:
    git_repo.write(".draftforge/config.yml", "stats:\n  day_starts_at: 4\n")
    git_repo.commit("a", "2025-03-01T21:00:00-08:00", files={"chapters/01.md": words(3)})
    # 11:00 UTC on 3 March is 03:00 in California, before 4: today is still 2 March.
    result = run_stats(git_repo.path, now=at("2025-03-03T11:00:00+00:00"), write=False)
    assert (result.today, result.stats.streaks.current_days) == (date(2025, 3, 2), 1)
    later = run_stats(git_repo.path, now=at("2025-03-03T12:00:00+00:00"), write=False)
    assert (later.today, later.stats.streaks.current_days) == (date(2025, 3, 3), 0)


def test_streaks_in_a_time_zone_with_a_day_start(git_repo: GitRepo) -> None:
    git_repo.write(
        ".draftforge/config.yml",
        "stats:\n  timezone: Europe/Paris\n  day_starts_at: 4\n  daily_goal: 3\n",
    )
    git_repo.commit("a", "2025-03-01T10:00:00+01:00", files={"chapters/01.md": words(3)})
    git_repo.commit("b", "2025-03-02T01:30:00+01:00", files={"chapters/01.md": words(7)})
    git_repo.commit("c", "2025-03-02T05:00:00+01:00", files={"chapters/01.md": words(9)})
    git_repo.commit("d", "2025-03-03T05:00:00+01:00", files={"chapters/02.md": words(3)})
    git_repo.commit("e", "2025-03-04T05:00:00+01:00", files={"chapters/02.md": words(4)})
    # Days: 1 March +7 (a, b), 2 March +2 (c, short of the goal), 3 March +3, 4 March +1.
    result = run_stats(git_repo.path, now=at("2025-03-05T02:00:00+00:00"))
    assert [(e.date, e.words_written) for e in result.stats.history] == [
        ("2025-03-04", 1),
        ("2025-03-03", 3),
        ("2025-03-02", 2),
        ("2025-03-01", 7),
    ]
    # 03:00 in Paris on 5 March is before 4: today is 4 March, the last writing day was 3 March.
    assert result.today == date(2025, 3, 4)
    assert result.stats.streaks == Streaks(
        current_days=1, longest_days=1, last_write_date="2025-03-03", total_writing_days=2
    )


def test_today_can_be_pinned_on_the_command_line(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": words(3)})
    git_repo.commit("b", "2025-03-02T10:00:00+00:00", files={"chapters/01.md": words(4)})
    runner = CliRunner()
    epoch = str(int(at("2025-06-01T00:00:00+00:00").timestamp()))
    env = {"SOURCE_DATE_EPOCH": epoch}

    def streak(*args: str) -> tuple[int, str]:
        result = runner.invoke(main, ["stats", str(git_repo.path), "--json", *args], env=env)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        return data["streaks"]["current_days"], data["generated_at"]

    assert streak() == (0, "2025-06-01T00:00:00Z")
    assert streak("--today", "2025-03-03") == (2, "2025-06-01T00:00:00Z")
    assert streak("--today", "2025-03-04")[0] == 0
    bad = runner.invoke(main, ["stats", str(git_repo.path), "--today", "3 March"])
    assert bad.exit_code == 2
    assert "YYYY-MM-DD" in bad.output or "%Y-%m-%d" in bad.output
