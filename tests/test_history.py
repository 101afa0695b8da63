"""The history from git: real repositories, commits at chosen dates, numbers worked out by hand.

Texts are `words(n)`: n times "word", so a chapter's word count is plain to see.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from draftforge_stats.counting import RULES_VERSION
from draftforge_stats.errors import ConfigError, HistoryLossError, StatsFileError
from draftforge_stats.gitrepo import Repository, parse_raw_log
from draftforge_stats.history import CountCache, DayRecord, merge_days, to_entries
from draftforge_stats.pipeline import StatsRun, run_stats
from draftforge_stats.safekeeping import read_existing
from draftforge_stats.statsfile import Stats, check_stats, stats_errors
from tests.gitutil import GitRepo

NOW = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)
STATS = Path(".draftforge") / "stats.json"

Row = tuple[str, int, int, int, int]  # date, word_count, chapter_count, commits, words_written


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n) + "\n"


def run(root: Path, **kwargs: object) -> StatsRun:
    result = run_stats(root, now=NOW, **kwargs)  # type: ignore[arg-type]
    assert stats_errors(json.loads(result.text)) == []
    return result


def rows(result: StatsRun) -> list[Row]:
    return [
        (e.date, e.word_count, e.chapter_count, e.commits, e.words_written)
        for e in result.stats.history
    ]


def changes(result: StatsRun) -> list[tuple[int | None, int | None]]:
    """(words_added, words_deleted) of each day, newest first."""
    return [(e.words_added, e.words_deleted) for e in result.stats.history]


def full_run_text(root: Path) -> str:
    """What a run with no stored file and no cache makes (nothing written)."""
    stats = root / STATS
    saved = stats.read_bytes() if stats.exists() else None
    if saved is not None:
        stats.unlink()
    try:
        result = run_stats(root, now=NOW, write=False)
        assert result.history_mode == "full"
        return result.text
    finally:
        if saved is not None:
            stats.write_bytes(saved)


def config(repo: GitRepo, text: str) -> None:
    repo.write(".draftforge/config.yml", text)


# ------------------------------------------------------------------------ days and offsets


def test_days_follow_each_commits_own_offset(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-03-01T23:30:00+02:00", files={"chapters/01.md": words(10)})
    # 22:30 in New York is 03:30 UTC the next day: still the author's 1 March.
    git_repo.commit("b", "2025-03-01T22:30:00-05:00", files={"chapters/02.md": words(5)})
    # 00:15 in Athens is 22:15 UTC the day before: the author's 2 March.
    git_repo.commit("c", "2025-03-02T00:15:00+02:00", files={"chapters/01.md": words(12)})
    result = run(git_repo.path)
    assert result.history_mode == "full"
    assert rows(result) == [
        ("2025-03-02", 17, 2, 1, 2),
        ("2025-03-01", 15, 2, 2, 15),
    ]
    current = result.stats.current
    assert (current.total_commits, current.last_commit_at) == (3, "2025-03-01T22:15:00Z")


def test_a_timezone_moves_commits_to_its_days(git_repo: GitRepo) -> None:
    """In UTC, b falls on 2 March and c on 1 March: the days are taken by author date, and
    each day's totals are those after its last commit in history order."""
    config(git_repo, "stats:\n  timezone: UTC\n")
    git_repo.commit("a", "2025-03-01T23:30:00+02:00", files={"chapters/01.md": words(10)})
    git_repo.commit("b", "2025-03-01T22:30:00-05:00", files={"chapters/02.md": words(5)})
    c = git_repo.commit("c", "2025-03-02T00:15:00+02:00", files={"chapters/01.md": words(12)})
    result = run(git_repo.path)
    # 1 March: a and c, totals after c (12 + 5); 2 March: b, totals after b (10 + 5).
    assert rows(result) == [
        ("2025-03-02", 15, 2, 1, -2),
        ("2025-03-01", 17, 2, 2, 17),
    ]
    assert result.stats.history[1].commit_sha == c


def test_day_starts_at_and_timezone(git_repo: GitRepo) -> None:
    config(git_repo, "stats:\n  timezone: Europe/Paris\n  day_starts_at: 4\n")
    git_repo.commit("a", "2025-03-01T10:00:00+01:00", files={"chapters/01.md": words(3)})
    # 01:30 in Paris, before 4 a.m.: still the writing day of 1 March.
    git_repo.commit("b", "2025-03-02T01:30:00+01:00", files={"chapters/01.md": words(7)})
    # 03:30 UTC is 04:30 in Paris: 2 March (in its own UTC offset it would be 1 March).
    git_repo.commit("c", "2025-03-02T03:30:00+00:00", files={"chapters/02.md": words(2)})
    result = run(git_repo.path, today=None)
    assert rows(result) == [
        ("2025-03-02", 9, 2, 1, 2),
        ("2025-03-01", 7, 1, 2, 7),
    ]


def test_an_unknown_time_zone_is_a_config_error(git_repo: GitRepo) -> None:
    config(git_repo, "stats:\n  timezone: Mars/Olympus_Mons\n")
    git_repo.commit("a", files={"chapters/01.md": words(3)})
    with pytest.raises(ConfigError) as caught:
        run_stats(git_repo.path, now=NOW)
    assert "Mars/Olympus_Mons" in str(caught.value)
    assert ".draftforge/config.yml:2" in str(caught.value)
    assert not (git_repo.path / STATS).exists()


# ------------------------------------------------------------------ what counts, and how


def test_a_merged_branch_counts_on_its_own_days(git_repo: GitRepo) -> None:
    """Every commit reachable from HEAD counts on its own day; on 2 April the main line's
    c2 (committed at 12:00) is later than the branch's s1 (10:00), both one step from c1."""
    git_repo.commit("c1", "2025-04-01T10:00:00+00:00", files={"chapters/01.md": words(10)})
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.commit("s1", "2025-04-02T10:00:00+00:00", files={"chapters/02.md": words(4)})
    git_repo.commit("s2", "2025-04-03T10:00:00+00:00", files={"chapters/02.md": words(6)})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("c2", "2025-04-02T12:00:00+00:00", files={"chapters/01.md": words(11)})
    when = "2025-04-05T09:00:00+00:00"
    git_repo.git(
        "merge", "-q", "--no-ff", "-m", "merge", "side",
        env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when},
    )  # fmt: skip
    result = run(git_repo.path)
    assert rows(result) == [
        ("2025-04-05", 17, 2, 1, 1),  # the merge: c2's 11 + 02.md's 6
        ("2025-04-03", 16, 2, 1, 5),  # s2: the branch's 10 + 6
        ("2025-04-02", 11, 1, 2, 1),  # s1 and c2; the totals are c2's
        ("2025-04-01", 10, 1, 1, 10),
    ]
    # Words added: c1 10; s1 4 (a new file) + c2 1; s2 2; the merge adds nothing itself.
    assert changes(result) == [(0, 0), (2, 0), (5, 0), (10, 0)]
    assert result.stats.current.total_commits == 5
    dates = {c.file: c.last_modified for c in result.stats.breakdown.chapters}
    assert dates == {
        "chapters/01.md": "2025-04-02T12:00:00Z",
        "chapters/02.md": "2025-04-05T09:00:00Z",
    }


def test_deletions_and_renames(git_repo: GitRepo) -> None:
    git_repo.commit(
        "two chapters",
        "2025-06-01T10:00:00+00:00",
        files={"chapters/01-a.md": words(8), "chapters/02-b.md": words(4)},
    )
    git_repo.commit("cut b", "2025-06-02T10:00:00+00:00", files={"chapters/02-b.md": None})
    git_repo.commit(
        "rename a",
        "2025-06-03T10:00:00+00:00",
        files={"chapters/01-a.md": None, "chapters/part-1/03-new.md": words(8)},
    )
    result = run(git_repo.path)
    assert rows(result) == [
        ("2025-06-03", 8, 1, 1, 0),  # a move writes no words
        ("2025-06-02", 8, 1, 1, -4),  # a deletion day
        ("2025-06-01", 12, 2, 1, 12),
    ]
    [chapter] = result.stats.breakdown.chapters
    assert (chapter.file, chapter.last_modified) == (
        "chapters/part-1/03-new.md",
        "2025-06-03T10:00:00Z",
    )
    # Two distinct contents in all: the renamed blob is not counted again.
    assert result.blobs_counted == 2


def test_a_rename_with_an_edit_writes_only_the_edit(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-06-01T10:00:00+00:00", files={"chapters/01-a.md": words(8)})
    git_repo.commit(
        "move and edit",
        "2025-06-02T10:00:00+00:00",
        files={"chapters/01-a.md": None, "chapters/01-b.md": words(11)},
    )
    result = run(git_repo.path)
    assert rows(result) == [("2025-06-02", 11, 1, 1, 3), ("2025-06-01", 8, 1, 1, 8)]


def test_deleting_every_chapter_makes_a_day_of_zero_words(git_repo: GitRepo) -> None:
    git_repo.commit(
        "a",
        "2025-06-01T10:00:00+00:00",
        files={"chapters/01.md": words(8), "chapters/02.md": words(3), "chapters/.keep": ""},
    )
    git_repo.commit(
        "cut", "2025-06-02T10:00:00+00:00", files={"chapters/01.md": None, "chapters/02.md": None}
    )
    result = run(git_repo.path, today=date(2025, 6, 2))
    assert rows(result) == [("2025-06-02", 0, 0, 1, -11), ("2025-06-01", 11, 2, 1, 11)]
    current = result.stats.current
    assert (current.word_count, current.chapter_count, current.total_commits) == (0, 0, 2)
    assert result.stats.streaks.current_days == 2  # a day with a manuscript commit


def test_side_commits_on_earlier_days_count_on_their_days_incrementally(git_repo: GitRepo) -> None:
    """The merged branch's three commits (on 2 and 3 April) count on their own days, also
    when the run before the merge was on 4 April: that day is made again whole."""
    git_repo.commit("c1", "2025-04-01T10:00:00+00:00", files={"chapters/01.md": words(10)})
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.commit("s1", "2025-04-02T10:00:00+00:00", files={"chapters/02.md": words(4)})
    git_repo.commit("s2", "2025-04-03T10:00:00+00:00", files={"chapters/02.md": words(6)})
    git_repo.commit("s3", "2025-04-03T11:00:00+00:00", files={"chapters/03.md": words(1)})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("c2", "2025-04-04T08:00:00+00:00", files={"chapters/01.md": words(12)})
    assert run(git_repo.path).history_mode == "full"
    when = "2025-04-04T20:00:00+00:00"
    git_repo.git(
        "merge", "-q", "--no-ff", "-m", "merge", "side",
        env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when},
    )  # fmt: skip
    result = run(git_repo.path)
    assert (result.history_mode, result.commits_walked) == ("incremental", 4)
    assert rows(result) == [
        ("2025-04-04", 19, 3, 2, 2),  # c2 and the merge (12 + 6 + 1), the merge is later
        ("2025-04-03", 17, 3, 2, 3),  # s2 and s3: 10 + 6 + 1
        ("2025-04-02", 14, 2, 1, 4),  # s1: 10 + 4
        ("2025-04-01", 10, 1, 1, 10),
    ]
    assert changes(result) == [(2, 0), (3, 0), (4, 0), (10, 0)]
    assert result.stats.current.total_commits == 6
    assert result.text == full_run_text(git_repo.path)


def test_commits_outside_the_manuscript_make_no_day(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-07-01T10:00:00+00:00", files={"chapters/01.md": words(3)})
    git_repo.commit("readme", "2025-07-02T10:00:00+00:00", files={"README.md": words(40)})
    git_repo.commit(
        "config", "2025-07-03T10:00:00+00:00", files={".draftforge/config.yml": "project: {}\n"}
    )
    git_repo.commit(
        "not chapters",
        "2025-07-03T11:00:00+00:00",
        files={"chapters/.hidden.md": words(9), "chapters/cover.png": "png", "notes.md": "x\n"},
    )
    git_repo.commit("notes", "2025-07-04T10:00:00+00:00", files={"manuscript/notes.md": words(50)})
    result = run(git_repo.path)
    assert rows(result) == [
        ("2025-07-04", 3, 1, 1, 0),  # a manuscript file: a commit, but no chapter words
        ("2025-07-01", 3, 1, 1, 3),
    ]
    current = result.stats.current
    assert (current.total_commits, current.last_commit_at) == (2, "2025-07-04T10:00:00Z")
    assert current.last_commit_sha == git_repo.head()


def test_todays_entry_equals_current(git_repo: GitRepo) -> None:
    git_repo.commit(
        "a",
        "2025-11-30T10:00:00+00:00",
        files={"chapters/01.md": "# One\n\nThe *first* words.\n", "chapters/02.md": words(5)},
    )
    result = run(git_repo.path)
    today = result.stats.history[0]
    current = result.stats.current
    assert (today.word_count, today.chapter_count) == (current.word_count, current.chapter_count)
    assert (current.word_count, current.chapter_count) == (9, 2)


def test_project_in_a_subfolder_with_include_and_exclude(git_repo: GitRepo) -> None:
    git_repo.write("book/.draftforge/config.yml", "stats:\n  exclude: ['chapters/drafts/**']\n")
    git_repo.commit(
        "a",
        "2025-08-01T10:00:00+00:00",
        files={
            "book/chapters/01.md": words(6),
            "book/chapters/drafts/x.md": words(100),
            "chapters/01.md": words(1000),  # another project's chapters
            "book/manuscript/outline.md": words(7),
        },
    )
    git_repo.commit("other", "2025-08-02T10:00:00+00:00", files={"chapters/01.md": words(1)})
    git_repo.commit(
        "draft", "2025-08-03T10:00:00+00:00", files={"book/chapters/drafts/x.md": "x\n"}
    )
    git_repo.commit("b", "2025-08-04T10:00:00+00:00", files={"book/chapters/02.md": words(2)})
    result = run(git_repo.path / "book")
    assert result.root == git_repo.path / "book"
    assert rows(result) == [
        ("2025-08-04", 8, 2, 1, 2),
        ("2025-08-01", 6, 1, 1, 6),
    ]
    assert [c.last_modified for c in result.stats.breakdown.chapters] == [
        "2025-08-01T10:00:00Z",
        "2025-08-04T10:00:00Z",
    ]


def test_unusual_file_names(git_repo: GitRepo) -> None:
    name = 'chapters/04 \u2013 ünïcode "name"\ttab.md'
    git_repo.commit("a", "2025-09-01T10:00:00+00:00", files={name: words(4)})
    result = run(git_repo.path)
    assert rows(result) == [("2025-09-01", 4, 1, 1, 4)]
    assert result.stats.breakdown.chapters[0].last_modified == "2025-09-01T10:00:00Z"


def test_uncommitted_chapters_have_no_date_and_count_only_now(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-09-01T10:00:00+00:00", files={"chapters/01.md": words(4)})
    git_repo.write("chapters/02.md", words(3))
    first = run(git_repo.path)
    assert rows(first) == [("2025-09-01", 4, 1, 1, 4)]
    assert first.stats.current.word_count == 7
    dates = [c.last_modified for c in first.stats.breakdown.chapters]
    assert dates == ["2025-09-01T10:00:00Z", None]
    again = run(git_repo.path)  # made at the same HEAD: nothing to walk
    assert again.history_mode == "unchanged"
    assert (again.written, again.text) == (False, first.text)


# ------------------------------------------------------------------------- incremental


def test_a_day_split_across_two_runs_comes_out_as_one_run_makes_it(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    first = run(git_repo.path)
    assert (first.history_mode, rows(first)) == ("full", [("2025-05-01", 5, 1, 1, 5)])

    git_repo.commit("b", "2025-05-01T15:00:00+00:00", files={"chapters/01.md": words(9)})
    second = run(git_repo.path)
    assert second.history_mode == "incremental"
    assert second.commits_walked == 1  # b (which also took the stats file: git add -A)
    assert rows(second) == [("2025-05-01", 9, 1, 2, 9)]
    assert second.text == full_run_text(git_repo.path)

    git_repo.commit(
        "c",
        "2025-05-02T08:00:00+00:00",
        files={"chapters/02.md": words(1), "README.md": "hello\n"},
    )
    third = run(git_repo.path)
    assert third.history_mode == "incremental"
    assert rows(third) == [("2025-05-02", 10, 2, 1, 1), ("2025-05-01", 9, 1, 2, 9)]
    assert third.text == full_run_text(git_repo.path)
    assert third.stats.current.total_commits == 3


def test_incremental_and_full_runs_give_identical_files(git_repo: GitRepo) -> None:
    """A longer story with a run after each step: every file equals a full run's."""
    config(git_repo, "stats:\n  daily_goal: 3\n")
    steps: list[tuple[str, dict[str, str | None]]] = [
        ("2025-10-01T08:00:00+02:00", {"chapters/01.md": words(4)}),
        ("2025-10-01T23:59:00+02:00", {"chapters/02.md": words(2)}),
        ("2025-10-02T00:01:00+02:00", {"chapters/01.md": words(6)}),
        ("2025-10-02T12:00:00-07:00", {"README.md": "x\n"}),
        ("2025-10-04T09:00:00+00:00", {"chapters/02.md": None, "chapters/03.md": words(2)}),
        ("2025-10-04T10:00:00+00:00", {"manuscript/plan.md": words(3)}),
        ("2025-10-05T10:00:00+00:00", {"chapters/01.md": words(1)}),
    ]
    for index, (when, files) in enumerate(steps):
        git_repo.commit(f"step {index}", when, files=files)
        result = run(git_repo.path)
        assert result.text == full_run_text(git_repo.path), f"after step {index}"
    assert rows(result) == [
        ("2025-10-05", 3, 2, 1, -5),
        ("2025-10-04", 8, 2, 2, 0),
        ("2025-10-02", 8, 2, 1, 2),
        ("2025-10-01", 6, 2, 2, 6),
    ]
    streaks = result.stats.streaks
    # Writing days (goal 3): only 1 October wrote 3 words or more.
    assert (streaks.total_writing_days, streaks.longest_days, streaks.last_write_date) == (
        1,
        1,
        "2025-10-01",
    )


def test_a_day_reached_from_far_offsets_and_a_late_day_start_is_made_again_whole(
    git_repo: GitRepo,
) -> None:
    """The commits of the day a new commit writes on are found however far their moments
    are apart in UTC (offsets +14:00 and -12:00, a day starting at 4 a.m.), though the walk
    reads the dates only of commits near that day: each run's file equals a full run's."""
    config(git_repo, "stats:\n  day_starts_at: 4\n")
    steps: list[tuple[str, dict[str, str | None]]] = [
        ("2025-06-05T12:00:00+00:00", {"chapters/01.md": words(1)}),  # 5 June
        ("2025-06-08T23:00:00-12:00", {"chapters/01.md": words(7)}),  # 8 June, 9th 11:00 UTC
        ("2025-06-11T12:00:00+00:00", {"chapters/02.md": words(2)}),  # 11 June
        ("2025-06-09T03:00:00+14:00", {"chapters/01.md": words(4)}),  # 8 June, 13:00 UTC
        ("2025-06-09T02:00:00+00:00", {"chapters/03.md": words(3)}),  # 8 June (before 4 a.m.)
    ]
    for index, (when, files) in enumerate(steps):
        git_repo.commit(f"step {index}", when, files=files)
        result = run(git_repo.path)
        assert result.text == full_run_text(git_repo.path), f"after step {index}"
    assert result.history_mode == "incremental"
    # 8 June: three commits (the first of them, a day and a half after the last in UTC, is
    # read again with the others); the last in history order leaves 4 + 2 + 3 words, 8 more
    # than 5 June. 11 June (7 + 2 words after its commit, earlier in history) wrote 9 - 9.
    assert rows(result) == [
        ("2025-06-11", 9, 2, 1, 0),
        ("2025-06-08", 9, 3, 3, 8),
        ("2025-06-05", 1, 1, 1, 1),
    ]


def test_a_day_split_across_runs_over_a_dst_change(git_repo: GitRepo) -> None:
    """Paris, day starting at 4 a.m., the night clocks go back (26 October 2025, 03:00 CEST
    -> 02:00 CET), a run after each commit: each file equals a full run's."""
    config(git_repo, "stats:\n  timezone: Europe/Paris\n  day_starts_at: 4\n")
    steps: list[tuple[str, dict[str, str | None]]] = [
        ("2025-10-25T22:00:00+02:00", {"chapters/01.md": words(4)}),  # 25th
        ("2025-10-26T00:30:00+00:00", {"chapters/01.md": words(6)}),  # 02:30 CEST: 25th
        ("2025-10-26T01:30:00+00:00", {"chapters/02.md": words(1)}),  # 02:30 CET: 25th
        ("2025-10-26T03:59:00+00:00", {"chapters/02.md": words(3)}),  # 04:59 CET: 26th
        ("2025-10-26T02:00:00-01:00", {"chapters/02.md": words(5)}),  # 04:00 CET: 26th
        ("2025-10-26T23:00:00+00:00", {"chapters/02.md": words(2)}),  # 00:00 on 27th: 26th
    ]
    for index, (when, files) in enumerate(steps):
        git_repo.commit(f"step {index}", when, files=files)
        result = run(git_repo.path)
        assert result.text == full_run_text(git_repo.path), f"after step {index}"
    assert result.history_mode == "incremental"
    assert rows(result) == [("2025-10-26", 8, 2, 3, 1), ("2025-10-25", 7, 2, 3, 7)]


def test_commits_dated_before_their_parents(git_repo: GitRepo) -> None:
    """Author dates going backwards (a rebased or cherry-picked commit keeps its old date):
    one entry per day, newest first; each day's totals are those after its last commit in
    history order; incremental runs agree with a full run."""
    git_repo.commit("a", "2025-05-05T09:00:00+00:00", files={"chapters/01.md": words(5)})
    run(git_repo.path)
    git_repo.commit("b", "2025-05-03T09:00:00+00:00", files={"chapters/01.md": words(9)})
    assert run(git_repo.path).text == full_run_text(git_repo.path)
    git_repo.commit("c", "2025-05-05T08:00:00+00:00", files={"chapters/02.md": words(2)})
    result = run(git_repo.path)
    assert (result.history_mode, result.text) == ("incremental", full_run_text(git_repo.path))
    assert rows(result) == [("2025-05-05", 11, 2, 2, 2), ("2025-05-03", 9, 1, 1, 9)]
    assert result.stats.current.last_commit_at == "2025-05-05T08:00:00Z"


def test_a_run_that_walks_the_whole_history_leaves_no_git_process_started_early(
    git_repo: GitRepo,
) -> None:
    """The graph is started in the background as soon as HEAD is past the stored commit;
    when the settings changed, the walk reads the whole history instead, and the process
    nothing asked for is ended with the run (none is left behind)."""
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    run(git_repo.path)
    config(git_repo, "stats:\n  count_code_blocks: true\n")
    git_repo.commit("b", "2025-05-02T09:00:00+00:00", files={"chapters/01.md": words(7)})
    waiting = _children()

    result = run(git_repo.path)

    assert result.history_mode == "full"
    assert rows(result) == [("2025-05-02", 7, 1, 1, 2), ("2025-05-01", 5, 1, 1, 5)]
    assert _children() == waiting


def _children() -> set[str]:
    """The processes this one started that have not been waited for (Linux's /proc)."""
    return {
        pid
        for listing in Path("/proc/self/task").glob("*/children")
        for pid in listing.read_text(encoding="ascii").split()
    }


def test_a_project_in_a_subfolder_grows_incrementally(git_repo: GitRepo) -> None:
    """Commits outside `book/`, of an excluded chapter, and of the stats file make no day."""
    git_repo.write("book/.draftforge/config.yml", "stats:\n  exclude: ['chapters/x.md']\n")
    git_repo.commit(
        "a",
        "2025-08-01T10:00:00+00:00",
        files={"book/chapters/01.md": words(6), "book/chapters/x.md": words(3)},
    )
    book = git_repo.path / "book"
    run(book)
    git_repo.commit("stats", "2025-08-01T11:00:00+00:00")
    git_repo.commit("outside", "2025-08-02T10:00:00+00:00", files={"chapters/01.md": words(9)})
    git_repo.commit("excluded", "2025-08-03T10:00:00+00:00", files={"book/chapters/x.md": "x\n"})
    git_repo.commit("b", "2025-08-04T10:00:00+00:00", files={"book/chapters/02.md": words(2)})
    result = run(book)
    assert (result.history_mode, result.commits_walked) == ("incremental", 4)
    assert rows(result) == [("2025-08-04", 8, 2, 1, 2), ("2025-08-01", 6, 1, 1, 6)]
    assert result.text == full_run_text(book)


def test_changed_settings_rebuild_the_history(git_repo: GitRepo) -> None:
    git_repo.commit(
        "a",
        "2025-05-01T09:00:00+00:00",
        files={"chapters/01.md": words(5), "chapters/02.md": words(2)},
    )
    run(git_repo.path)
    config(git_repo, "stats:\n  exclude: ['chapters/02.md']\n")
    result = run(git_repo.path)
    assert result.history_mode == "full"
    assert rows(result) == [("2025-05-01", 5, 1, 1, 5)]
    assert any("settings" in note for note in result.notes)
    assert result.stats.history_basis is not None
    assert result.stats.history_basis.exclude == ["chapters/02.md"]


@pytest.mark.parametrize("run_before_commit", [False, True])
def test_a_renamed_chapters_folder_keeps_the_days_before_the_move(
    git_repo: GitRepo, run_before_commit: bool
) -> None:
    """`git mv chapters text` and `chapters_directory: text`: under the new folder the commits
    before the move have no chapters, so the stored days before it are kept and the move
    writes no words (whether a run comes between the move and its commit or not)."""
    git_repo.commit("a", "2025-06-01T10:00:00+00:00", files={"chapters/01.md": words(8)})
    git_repo.commit("b", "2025-06-02T10:00:00+00:00", files={"chapters/02.md": words(4)})
    run(git_repo.path)
    git_repo.git("mv", "chapters", "text")
    config(git_repo, "structure:\n  chapters_directory: text\n")
    if run_before_commit:
        moved = run(git_repo.path)
        assert rows(moved) == [("2025-06-02", 12, 2, 1, 4), ("2025-06-01", 8, 1, 1, 8)]
        assert any("folder changed" in note for note in moved.notes)
    git_repo.commit("move", "2025-06-03T10:00:00+00:00")
    result = run(git_repo.path)
    assert rows(result) == [
        ("2025-06-03", 12, 2, 1, 0),
        ("2025-06-02", 12, 2, 1, 4),
        ("2025-06-01", 8, 1, 1, 8),
    ]
    assert result.stats.history_basis is not None
    assert result.stats.history_basis.chapters_directory == "text"
    git_repo.commit("c", "2025-06-04T10:00:00+00:00", files={"text/02.md": words(5)})
    later = run(git_repo.path)
    assert later.history_mode == "incremental"
    assert rows(later)[:2] == [("2025-06-04", 13, 2, 1, 1), ("2025-06-03", 12, 2, 1, 0)]


def test_the_count_cache_counts_each_version_once_across_runs(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    git_repo.commit("b", "2025-05-02T09:00:00+00:00", files={"chapters/01.md": words(6)})
    first = run(git_repo.path)
    assert first.blobs_counted == 2
    (git_repo.path / STATS).unlink()  # a full walk again, with the cache in .git
    second = run(git_repo.path)
    assert (second.history_mode, second.blobs_counted) == ("full", 0)
    assert second.text == first.text
    cache = json.loads((git_repo.path / ".git/draftforge-stats/counts.json").read_text("utf-8"))
    assert len(cache["sections"][f"{RULES_VERSION}:0"]) == 2
    # --no-write and --check write nothing, not even the cache.
    (git_repo.path / ".git/draftforge-stats/counts.json").unlink()
    run_stats(git_repo.path, now=NOW, write=False)
    assert not (git_repo.path / ".git/draftforge-stats/counts.json").exists()


def test_a_damaged_count_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "counts.json"
    for text in ("{", "[]", '{"format": 1, "fingerprint": "x", "sections": {}}'):
        path.write_text(text, encoding="utf-8")
        assert len(CountCache(count_code_blocks=False, path=path)) == 0


def test_the_count_cache_reads_only_the_rows_asked_for_and_keeps_the_rest(
    tmp_path: Path,
) -> None:
    """A push update asks for a few of thousands of stored counts: the others are written
    back as they were; damaged rows are dropped, rows of another form written as counts."""
    from draftforge_stats.counting import TextCounts

    path = tmp_path / "counts.json"
    cache = CountCache(count_code_blocks=False, path=path)
    cache.put("b" * 40, TextCounts(2, 9, 8, "Two"))
    cache.put("d" * 40, TextCounts(4, 20, 17, None))
    cache.save()
    data = json.loads(path.read_text(encoding="utf-8"))
    section = data["sections"][f"{RULES_VERSION}:0"]
    section["a" * 40] = ["1", 3.0, 3, "One"]  # another form: read as whole numbers
    section["c" * 40] = ["x", 1, 1, None]  # damaged: dropped
    path.write_text(json.dumps(data), encoding="utf-8")

    again = CountCache(count_code_blocks=False, path=path)
    assert len(again) == 3
    assert again.get("d" * 40) == TextCounts(4, 20, 17, None)
    assert again.get("c" * 40) is None
    again.put("e" * 40, TextCounts(5, 25, 21, "Five"))
    again.put("b" * 40, TextCounts(3, 12, 10, "Two"))  # a stored row replaced
    again.save()

    saved = json.loads(path.read_text(encoding="utf-8"))["sections"][f"{RULES_VERSION}:0"]
    assert saved == {
        "a" * 40: [1, 3, 3, "One"],
        "b" * 40: [3, 12, 10, "Two"],
        "d" * 40: [4, 20, 17, None],
        "e" * 40: [5, 25, 21, "Five"],
    }
    assert list(saved) == sorted(saved)  # in blob order: the same counts, the same bytes


def test_progress_is_reported_while_counting(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    git_repo.commit("b", "2025-05-02T09:00:00+00:00", files={"chapters/01.md": words(6)})
    git_repo.commit("c", "2025-05-03T09:00:00+00:00", files={"chapters/01.md": words(7)})
    calls: list[tuple[int, int]] = []
    run(git_repo.path, progress=lambda done, total: calls.append((done, total)))
    # The working tree's version (7 words) was counted first; the other two come from git.
    assert calls == [(0, 2), (1, 2), (2, 2)]


# ------------------------------------------------------------------- never lose history


def test_a_rewritten_history_is_rebuilt_keeping_older_stored_days(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-08-01T10:00:00+00:00", files={"chapters/01.md": words(2)})
    git_repo.commit("b", "2025-08-02T10:00:00+00:00", files={"chapters/01.md": words(4)})
    git_repo.commit("c", "2025-08-03T10:00:00+00:00", files={"chapters/01.md": words(6)})
    assert [r[0] for r in rows(run(git_repo.path))] == ["2025-08-03", "2025-08-02", "2025-08-01"]
    # Force-push style: the whole history squashed into one new commit on 5 August.
    git_repo.git("checkout", "-q", "--orphan", "squashed")
    git_repo.commit("all", "2025-08-05T10:00:00+00:00", files={"chapters/01.md": words(7)})
    git_repo.git("branch", "-q", "-M", "squashed", "main")
    result = run(git_repo.path)
    assert result.history_mode == "rebuilt"
    assert rows(result) == [
        ("2025-08-05", 7, 1, 1, 1),
        ("2025-08-03", 6, 1, 1, 2),
        ("2025-08-02", 4, 1, 1, 2),
        ("2025-08-01", 2, 1, 1, 2),
    ]
    assert any("not in the history of HEAD" in w for w in result.warnings)
    assert any("keeping 3 stored days" in w for w in result.warnings)


def test_an_amended_commit_is_counted_again(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-08-01T10:00:00+00:00", files={"chapters/01.md": words(2)})
    git_repo.commit("b", "2025-08-03T10:00:00+00:00", files={"chapters/01.md": words(6)})
    run(git_repo.path)
    git_repo.write("chapters/01.md", words(5))
    git_repo.git("add", "-A")
    when = "2025-08-03T10:00:00+00:00"
    git_repo.git(
        "commit", "-q", "--amend", "--no-edit",
        env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when},
    )  # fmt: skip
    result = run(git_repo.path)
    assert result.history_mode == "rebuilt"  # git has every day: nothing stored is kept
    assert rows(result) == [("2025-08-03", 5, 1, 1, 3), ("2025-08-01", 2, 1, 1, 2)]
    [warning] = result.warnings
    assert "not in the history of HEAD" in warning
    assert warning.endswith("the history was made again from git.")


def test_a_history_squashed_onto_its_first_day_keeps_the_stored_days(git_repo: GitRepo) -> None:
    """`git rebase -i --root` (or `reset --soft` + `commit --amend`) squashes everything into
    one commit with the *first* commit's author date; after a force push and gc the stored
    commit is gone. git then has one day where the stored file has three: the stored days are
    kept, and the next commit adds to them."""
    a = git_repo.commit("a", "2025-08-01T10:00:00+00:00", files={"chapters/01.md": words(2)})
    git_repo.commit("b", "2025-08-02T10:00:00+00:00", files={"chapters/01.md": words(4)})
    c = git_repo.commit("c", "2025-08-03T10:00:00+00:00", files={"chapters/01.md": words(6)})
    stored = rows(run(git_repo.path))
    assert stored == [
        ("2025-08-03", 6, 1, 1, 2),
        ("2025-08-02", 4, 1, 1, 2),
        ("2025-08-01", 2, 1, 1, 2),
    ]
    git_repo.git("reset", "-q", "--soft", a)
    when = "2025-08-06T10:00:00+00:00"
    git_repo.git(
        "commit", "-q", "--amend", "-m", "all", env={"GIT_COMMITTER_DATE": when}
    )  # the author date stays 1 August
    git_repo.git("reflog", "expire", "--expire=now", "--all")
    git_repo.git("gc", "-q", "--prune=now")
    with pytest.raises(subprocess.CalledProcessError):
        git_repo.git("cat-file", "-e", c)  # the stored commit no longer exists at all
    result = run(git_repo.path)
    assert result.history_mode == "rebuilt"
    assert rows(result) == stored
    assert result.stats.current.word_count == 6
    assert result.stats.current.last_commit_sha == git_repo.head()
    [warning] = result.warnings
    assert "was the history rewritten?" in warning
    assert "fewer days (1) than the stored history (3)" in warning
    assert run(git_repo.path).history_mode == "unchanged"  # no warning every run

    git_repo.commit("d", "2025-08-07T10:00:00+00:00", files={"chapters/01.md": words(9)})
    later = run(git_repo.path)
    assert later.history_mode == "incremental"
    assert rows(later) == [("2025-08-07", 9, 1, 1, 3), *stored]


def test_moving_head_back_describes_the_older_commit(git_repo: GitRepo) -> None:
    """HEAD moved back (an untracked stats file made at a newer commit): the history is
    HEAD's, without the days of the commits ahead of it."""
    a = git_repo.commit("a", "2025-08-01T10:00:00+00:00", files={"chapters/01.md": words(2)})
    git_repo.commit("b", "2025-08-02T10:00:00+00:00", files={"chapters/01.md": words(4)})
    git_repo.write(".gitignore", ".draftforge/stats.json\n")
    run(git_repo.path)
    stored = (git_repo.path / STATS).read_bytes()
    git_repo.git("checkout", "-q", "--detach", a)
    # HEAD's history has no 2 August: replacing the stored file would drop that day.
    with pytest.raises(HistoryLossError, match=r"would drop 1 day of the 2 days .*\(2025-08-02\)"):
        run(git_repo.path)
    assert (git_repo.path / STATS).read_bytes() == stored
    result = run(git_repo.path, allow_shorter_history=True)
    assert rows(result) == [("2025-08-01", 2, 1, 1, 2)]
    assert result.stats.current.last_commit_sha == a
    assert result.warnings[0].startswith(
        "The stored history of .draftforge/stats.json was replaced by a shorter one, as asked "
        "(--allow-shorter-history): 1 day dropped (2025-08-02)."
    )


def _origin_with_stored_stats(origin: GitRepo) -> None:
    origin.commit("a", "2025-09-01T10:00:00+00:00", files={"chapters/01.md": words(10)})
    origin.commit("b", "2025-09-02T10:00:00+00:00", files={"chapters/01.md": words(20)})
    origin.commit("c", "2025-09-03T10:00:00+00:00", files={"chapters/02.md": words(5)})
    run(origin.path)
    origin.commit("stats", "2025-09-03T12:00:00+00:00")
    origin.commit("d", "2025-09-05T10:00:00+00:00", files={"chapters/02.md": words(7)})
    origin.commit("e", "2025-09-05T11:00:00+00:00", files={"chapters/02.md": words(8)})


def _clone(origin: GitRepo, tmp_path: Path, *args: str) -> GitRepo:
    target = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", *args, f"file://{origin.path}", str(target)],
        check=True,
        capture_output=True,
    )
    return GitRepo(target)


def test_a_shallow_clone_keeps_the_longer_stored_history(git_repo: GitRepo, tmp_path: Path) -> None:
    _origin_with_stored_stats(git_repo)
    clone = _clone(git_repo, tmp_path, "--depth", "1")
    stored = json.loads((clone.path / STATS).read_text("utf-8"))
    assert [e["date"] for e in stored["history"]] == ["2025-09-03", "2025-09-02", "2025-09-01"]

    result = run(clone.path)
    assert result.history_mode == "shallow"
    # Every stored day is kept as it was; the clone's one commit (e) adds 5 September. Its
    # totals differ from the stored ones, so it counts as one commit (d is not in the clone).
    assert rows(result) == [
        ("2025-09-05", 28, 2, 1, 3),
        ("2025-09-03", 25, 2, 1, 5),
        ("2025-09-02", 20, 1, 1, 10),
        ("2025-09-01", 10, 1, 1, 10),
    ]
    [warning] = result.warnings
    assert "shallow clone" in warning
    assert "fetch-depth: 0" in warning and "git fetch --unshallow" in warning
    assert result.stats.history_basis is not None
    assert result.stats.history_basis.complete is False

    # With the full history fetched, the approximate days are made again, exactly.
    clone.git("fetch", "-q", "--unshallow")
    full = run(clone.path)
    assert full.history_mode == "full"
    assert rows(full)[0] == ("2025-09-05", 28, 2, 2, 3)
    assert full.stats.history_basis is not None and full.stats.history_basis.complete
    assert full.text == full_run_text(clone.path)


def test_a_shallow_clone_without_stored_stats_starts_at_its_boundary(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.commit("a", "2025-09-01T10:00:00+00:00", files={"chapters/01.md": words(10)})
    git_repo.commit("b", "2025-09-02T10:00:00+00:00", files={"chapters/01.md": words(12)})
    git_repo.commit("c", "2025-09-04T10:00:00+00:00", files={"chapters/02.md": words(3)})
    clone = _clone(git_repo, tmp_path, "--depth", "2")
    result = run(clone.path)
    assert rows(result) == [("2025-09-04", 15, 2, 1, 3), ("2025-09-02", 12, 1, 1, 12)]
    assert any("earlier days are missing" in w for w in result.warnings)


def test_a_corrupt_stats_file_is_kept_aside_and_rebuilt(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    stats = git_repo.path / STATS
    stats.parent.mkdir(parents=True, exist_ok=True)
    broken = b'{"version": "1.0.0", "history": [\r\n'
    stats.write_bytes(broken)

    dry = run(git_repo.path, write=False)
    assert "it would be made again (nothing written now)" in dry.warnings[0]
    assert stats.read_bytes() == broken
    assert not (git_repo.path / ".draftforge/stats.json.bak").exists()

    result = run(git_repo.path)
    assert result.warnings[0].startswith(
        ".draftforge/stats.json is not a valid stats file (it is not valid JSON"
    )
    assert result.warnings[0].endswith(
        "it was made again; its exact bytes are kept in .draftforge/stats.json.bak."
    )
    assert (git_repo.path / ".draftforge/stats.json.bak").read_bytes() == broken
    assert result.history_mode == "full"
    assert result.text == full_run_text(git_repo.path)


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda d: d["history"][0].update(commits=0), "does not match the schema"),
        (lambda d: d["history"].append(dict(d["history"][0])), "appears twice in the history"),
    ],
)
def test_a_schema_invalid_stats_file_is_kept_aside(
    git_repo: GitRepo, edit: Callable[[dict[str, Any]], None], reason: str
) -> None:
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    good = run(git_repo.path).text
    data = json.loads(good)
    edit(data)
    bad = json.dumps(data, indent=2) + "\n"
    (git_repo.path / STATS).write_text(bad, encoding="utf-8")
    result = run(git_repo.path)
    assert reason in result.warnings[0]
    assert (git_repo.path / ".draftforge/stats.json.bak").read_text("utf-8") == bad
    assert result.text == good


def test_a_computed_file_that_breaks_the_schema_is_never_written(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    run(git_repo.path)
    existing = read_existing(git_repo.path / STATS)
    assert existing.stored is not None and existing.problem is None
    stats = Stats.model_validate(existing.data)
    broken = stats.history[0].model_copy(update={"date": "2025-05-02", "commits": 0})
    data = stats.model_copy(update={"history": [broken, *stats.history]}).model_dump(mode="json")
    with pytest.raises(StatsFileError, match=r"\$\.history\[0\]\.commits: 0 is less than"):
        check_stats(data)


# -------------------------------------------------------------------------- odd states


def test_an_empty_repository(git_repo: GitRepo) -> None:
    git_repo.write("chapters/01.md", words(3))
    result = run(git_repo.path)
    assert result.history_mode == "empty"
    assert (result.stats.history, result.stats.current.last_commit_sha) == ([], None)
    assert (result.stats.current.word_count, result.stats.current.total_commits) == (3, 0)
    assert result.stats.streaks.current_days == 0
    assert result.stats.breakdown.chapters[0].last_modified is None


def test_a_stored_history_survives_an_empty_repository(git_repo: GitRepo, tmp_path: Path) -> None:
    """A manuscript moved to a new repository with its stats file: before the first commit
    the stored days are all there is; the first commit's day comes on top of them."""
    git_repo.commit("a", "2025-08-01T10:00:00+00:00", files={"chapters/01.md": words(2)})
    old = run(git_repo.path)
    fresh = GitRepo(tmp_path / "fresh")
    fresh.path.mkdir()
    fresh.git("init", "-q", "-b", "main")
    fresh.write("chapters/01.md", words(2))
    fresh.write(STATS.as_posix(), old.text)
    empty = run(fresh.path)
    assert (empty.history_mode, rows(empty)) == ("empty", rows(old))
    assert (empty.stats.current.last_commit_sha, empty.stats.current.total_commits) == (None, 1)
    fresh.commit("first", "2025-08-05T10:00:00+00:00", files={"chapters/01.md": words(3)})
    result = run(fresh.path)
    assert result.history_mode == "rebuilt"
    assert rows(result) == [("2025-08-05", 3, 1, 1, 1), ("2025-08-01", 2, 1, 1, 2)]
    assert result.warnings == []


def test_a_branch_without_manuscript_commits(git_repo: GitRepo) -> None:
    git_repo.commit("readme", "2025-05-01T09:00:00+00:00", files={"README.md": "hi\n"})
    git_repo.write("chapters/01.md", words(3))
    result = run(git_repo.path)
    assert (result.history_mode, result.stats.history) == ("full", [])
    assert (result.stats.current.total_commits, result.stats.current.last_commit_at) == (0, None)
    assert result.stats.streaks.last_write_date is None


def test_a_detached_head(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    b = git_repo.commit("b", "2025-05-02T09:00:00+00:00", files={"chapters/01.md": words(6)})
    git_repo.commit("c", "2025-05-03T09:00:00+00:00", files={"chapters/01.md": words(1)})
    git_repo.git("checkout", "-q", "--detach", b)
    result = run(git_repo.path)
    assert rows(result) == [("2025-05-02", 6, 1, 1, 1), ("2025-05-01", 5, 1, 1, 5)]
    assert result.stats.current.last_commit_sha == b


def test_no_git_means_no_history(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01.md").write_text(words(2), encoding="utf-8")
    result = run(tmp_path)
    assert (result.in_git, result.stats.history, result.stats.history_basis) == (False, [], None)
    assert result.history_mode is None


# ----------------------------------------------------------------------------- pieces


def test_parse_raw_log_reads_names_whole() -> None:
    blob = "b" * 40
    out = (
        b"\x1e" + b"a" * 40 + b" \x001735722000 +0100\x001735722000 +0100\x00\n"
        b":000000 100644 " + b"0" * 40 + b" " + blob.encode() + b" A\x00:odd\x1e.md\x00"
        b"\x1e" + b"c" * 40 + b" " + b"a" * 40 + b"\x001735808400 +0100\x001735808400 +0100\x00"
    )
    first, second = parse_raw_log(out)
    assert [(c.path, c.status, c.blob) for c in first.changes] == [(":odd\x1e.md", "A", blob)]
    assert (second.parents, second.changes) == (("a" * 40,), ())
    assert (first.authored_at, first.date_problem) == (
        datetime(2025, 1, 1, 10, tzinfo=timezone(timedelta(hours=1))),
        None,
    )


def test_merge_days_adds_commits_of_a_shared_day() -> None:
    stored = [DayRecord(date(2025, 1, 1), 10, 1, 2, "a" * 40)]
    new = {
        date(2025, 1, 1): DayRecord(date(2025, 1, 1), 12, 1, 1, "b" * 40),
        date(2025, 1, 3): DayRecord(date(2025, 1, 3), 7, 1, 1, "c" * 40),
    }
    merged = merge_days(stored, new)
    assert [(r.day.day, r.word_count, r.commits, r.commit_sha[0]) for r in merged] == [
        (1, 12, 3, "b"),
        (3, 7, 1, "c"),
    ]
    entries = to_entries(merged)
    assert [(e.date, e.words_written) for e in entries] == [("2025-01-03", -5), ("2025-01-01", 12)]


def test_hash_blob_matches_git(git_repo: GitRepo) -> None:
    data = "Ünïcode\r\nand CRLF\n".encode()
    (git_repo.path / "f").write_bytes(data)
    repo = Repository.find(git_repo.path)
    assert repo is not None
    assert repo.hash_blob(data) == git_repo.git("hash-object", "--no-filters", "f")


def test_stats_made_on_a_merged_branch_grow_incrementally(git_repo: GitRepo) -> None:
    """The stored commit is an ancestor of HEAD, but not on its first-parent line."""
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.commit("b", "2025-05-02T09:00:00+00:00", files={"chapters/02.md": words(3)})
    run(git_repo.path)  # the stats file, made on the branch (not committed)
    git_repo.git("checkout", "-q", "main")
    git_repo.git(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "merge side",
        "side",
        env={
            "GIT_AUTHOR_DATE": "2025-05-03T09:00:00+00:00",
            "GIT_COMMITTER_DATE": "2025-05-03T09:00:00+00:00",
        },
    )
    merged = run(git_repo.path)
    assert (merged.warnings, merged.notes, merged.history_mode) == ([], [], "incremental")
    # The branch's commit keeps its own day; the merge is a day of its own, writing nothing.
    assert rows(merged) == [
        ("2025-05-03", 8, 2, 1, 0),
        ("2025-05-02", 8, 2, 1, 3),
        ("2025-05-01", 5, 1, 1, 5),
    ]
    (git_repo.path / STATS).unlink()
    assert run(git_repo.path).text == merged.text
