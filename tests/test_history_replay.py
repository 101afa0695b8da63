"""The history follows every line into HEAD: foxtrot merges, long-lived branches, octopus
merges and unrelated histories, with words added and deleted; import commits; revision days
and the daily goal; a 1.0.0 stats file upgraded. Real repositories, hand-worked numbers.

Each commit's totals are its first parent's plus what it changed against it; a day's totals
are those of its latest commit (a descendant after its ancestors; between parallel lines,
the one further from the root, then the later committer date).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from draftforge_stats.pipeline import StatsRun
from tests.gitutil import GitRepo
from tests.test_history import full_run_text, run, words

STATS = Path(".draftforge") / "stats.json"

Row = tuple[str, int, int, int, int, int | None, int | None]
# date, word_count, chapter_count, commits, words_written, words_added, words_deleted


def rows(result: StatsRun) -> list[Row]:
    return [
        (
            e.date,
            e.word_count,
            e.chapter_count,
            e.commits,
            e.words_written,
            e.words_added,
            e.words_deleted,
        )
        for e in result.stats.history
    ]


def merge(repo: GitRepo, when: str, *args: str) -> str:
    repo.git(
        "merge", "-q", "--no-ff", "-m", "merge", *args,
        env={"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when},
    )  # fmt: skip
    return repo.head()


def test_a_foxtrot_merge_hides_nothing(git_repo: GitRepo) -> None:
    """`main` merged into a branch, and that merge becomes `main` (fast-forward): following
    first parents would run through the branch and lose main's 3 and 5 June."""
    git_repo.commit("A", "2025-06-01T09:00:00+00:00", files={"chapters/01.md": words(10)})
    git_repo.git("checkout", "-q", "-b", "feature")
    git_repo.commit("B1", "2025-06-02T09:00:00+00:00", files={"chapters/02.md": words(5, "b")})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("M1", "2025-06-03T09:00:00+00:00", files={"chapters/01.md": words(14)})
    git_repo.git("checkout", "-q", "feature")
    git_repo.commit("B2", "2025-06-04T09:00:00+00:00", files={"chapters/02.md": words(8, "b")})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("M2", "2025-06-05T09:00:00+00:00", files={"chapters/01.md": words(16)})
    before = run(git_repo.path)  # made on main at M2
    assert [r[0] for r in rows(before)] == ["2025-06-05", "2025-06-03", "2025-06-01"]
    git_repo.git("checkout", "-q", "feature")
    foxtrot = merge(git_repo, "2025-06-06T09:00:00+00:00", "main")
    git_repo.git("checkout", "-q", "main")
    git_repo.git("merge", "-q", "--ff-only", "feature")
    assert git_repo.git("rev-parse", "HEAD^1") == git_repo.git("rev-parse", "feature~1")
    result = run(git_repo.path)
    assert (result.history_mode, result.commits_walked) == ("incremental", 3)  # B1, B2, merge
    assert rows(result) == [
        ("2025-06-06", 24, 2, 1, 8, 0, 0),  # the merge: B2's 18 + 01.md's 6 more words
        ("2025-06-05", 16, 1, 1, -2, 2, 0),  # M2 (main): 16
        ("2025-06-04", 18, 2, 1, 4, 3, 0),  # B2 (branch): 10 + 8
        ("2025-06-03", 14, 1, 1, -1, 4, 0),  # M1 (main): 14
        ("2025-06-02", 15, 2, 1, 5, 5, 0),  # B1 (branch): 10 + 5
        ("2025-06-01", 10, 1, 1, 10, 10, 0),
    ]
    current = result.stats.current
    assert (current.word_count, current.total_commits, current.last_commit_sha) == (
        24,
        6,
        foxtrot,
    )
    assert result.text == full_run_text(git_repo.path)


def test_a_long_lived_branch_merged_back(git_repo: GitRepo) -> None:
    """On 10 June both lines wrote: M2 (main, 15:00) and L2 (branch, 09:00) are both two
    steps from A, so the later committer date, M2, gives the day's totals."""
    git_repo.commit("A", "2025-06-01T09:00:00+00:00", files={"chapters/01.md": words(10)})
    git_repo.git("checkout", "-q", "-b", "long")
    git_repo.commit("L1", "2025-06-02T09:00:00+00:00", files={"chapters/02.md": words(3, "l")})
    git_repo.commit("L2", "2025-06-10T09:00:00+00:00", files={"chapters/02.md": words(5, "l")})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("M1", "2025-06-05T09:00:00+00:00", files={"chapters/01.md": words(12)})
    m2 = git_repo.commit("M2", "2025-06-10T15:00:00+00:00", files={"chapters/01.md": words(13)})
    run(git_repo.path)
    merge(git_repo, "2025-06-12T09:00:00+00:00", "long")
    result = run(git_repo.path)
    assert result.history_mode == "incremental"
    assert rows(result) == [
        ("2025-06-12", 18, 2, 1, 5, 0, 0),  # M2's 13 + the branch's 5
        ("2025-06-10", 13, 1, 2, 1, 3, 0),  # L2 adds 2, M2 adds 1; totals M2's
        ("2025-06-05", 12, 1, 1, -1, 2, 0),
        ("2025-06-02", 13, 2, 1, 3, 3, 0),
        ("2025-06-01", 10, 1, 1, 10, 10, 0),
    ]
    assert result.stats.history[1].commit_sha == m2
    assert result.text == full_run_text(git_repo.path)


def test_an_octopus_merge(git_repo: GitRepo) -> None:
    git_repo.commit("A", "2025-06-01T09:00:00+00:00", files={"chapters/01.md": words(10)})
    for branch, when, name, count in (
        ("x", "2025-06-02T09:00:00+00:00", "02.md", 2),
        ("y", "2025-06-02T10:00:00+00:00", "03.md", 3),
        ("z", "2025-06-03T09:00:00+00:00", "04.md", 4),
    ):
        git_repo.git("checkout", "-q", "-b", branch, "main")
        git_repo.commit(branch, when, files={f"chapters/{name}": words(count, branch)})
    git_repo.git("checkout", "-q", "main")
    octopus = merge(git_repo, "2025-06-04T09:00:00+00:00", "x", "y", "z")
    assert len(git_repo.git("rev-parse", f"{octopus}^@").split()) == 4
    result = run(git_repo.path)
    assert rows(result) == [
        ("2025-06-04", 19, 4, 1, 5, 0, 0),  # A's 10 + 2 + 3 + 4
        ("2025-06-03", 14, 2, 1, 1, 4, 0),  # z: 10 + 4
        ("2025-06-02", 13, 2, 2, 3, 5, 0),  # x and y; y (10:00) is later: 10 + 3
        ("2025-06-01", 10, 1, 1, 10, 10, 0),
    ]


def test_a_merge_of_an_unrelated_history(git_repo: GitRepo) -> None:
    """A second root: its commits start from nothing, and count on their own days."""
    git_repo.commit("A", "2025-06-01T09:00:00+00:00", files={"chapters/01.md": words(10)})
    git_repo.git("checkout", "-q", "--orphan", "other")
    git_repo.git("rm", "-rfq", ".")
    git_repo.commit("U1", "2025-06-02T09:00:00+00:00", files={"chapters/02.md": words(6, "u")})
    git_repo.commit("U2", "2025-06-03T09:00:00+00:00", files={"chapters/02.md": words(7, "u")})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("M1", "2025-06-04T09:00:00+00:00", files={"chapters/01.md": words(11)})
    merge(git_repo, "2025-06-05T09:00:00+00:00", "--allow-unrelated-histories", "other")
    result = run(git_repo.path)
    assert rows(result) == [
        ("2025-06-05", 18, 2, 1, 7, 0, 0),  # M1's 11 + U2's 7
        ("2025-06-04", 11, 1, 1, 4, 1, 0),
        ("2025-06-03", 7, 1, 1, 1, 1, 0),  # the other root's line: 7
        ("2025-06-02", 6, 1, 1, -4, 6, 0),
        ("2025-06-01", 10, 1, 1, 10, 10, 0),
    ]


def test_a_revision_day_that_meets_the_goal_in_new_words_keeps_the_streak(
    git_repo: GitRepo,
) -> None:
    """300 words cut and 200 new written: net -100, but 200 added meets a goal of 150."""
    git_repo.write(".draftforge/config.yml", "stats:\n  daily_goal: 150\n")
    keep = words(300, "keep")
    git_repo.commit(
        "draft", "2025-06-01T09:00:00+00:00", files={"chapters/01.md": keep + "\n" + words(300)}
    )
    git_repo.commit(
        "revise",
        "2025-06-02T09:00:00+00:00",
        files={"chapters/01.md": keep + "\n" + words(200, "new")},
    )
    result = run(git_repo.path, today=date(2025, 6, 2))
    assert rows(result) == [
        ("2025-06-02", 500, 1, 1, -100, 200, 300),
        ("2025-06-01", 600, 1, 1, 600, 600, 0),
    ]
    streaks = result.stats.streaks
    assert (streaks.current_days, streaks.total_writing_days) == (2, 2)


def test_an_import_commit_adds_no_words(git_repo: GitRepo) -> None:
    """`DraftForge: import` (git's trailer rules: the key in any case, in the last
    paragraph) makes a commit add and delete nothing; the same words elsewhere count."""
    git_repo.commit(
        "Import the draft\n\nDraftForge: import",
        "2025-06-01T09:00:00+00:00",
        files={"chapters/01.md": words(50)},
    )
    git_repo.commit(
        "More\n\ndraftforge: Import\nSigned-off-by: A <a@example.com>",
        "2025-06-02T09:00:00+00:00",
        files={"chapters/02.md": words(20, "two")},
    )
    git_repo.commit(
        "Not a trailer\n\nDraftForge: import\n\nwritten after it",
        "2025-06-03T09:00:00+00:00",
        files={"chapters/03.md": words(7, "three")},
    )
    result = run(git_repo.path)
    assert rows(result) == [
        ("2025-06-03", 77, 3, 1, 7, 7, 0),
        ("2025-06-02", 70, 2, 1, 20, 0, 0),
        ("2025-06-01", 50, 1, 1, 50, 0, 0),
    ]


def test_text_moved_between_chapters_on_one_day_in_two_runs(git_repo: GitRepo) -> None:
    """Cut from 01 at 09:00, pasted into 02 at 11:00 with one new word, a run in between:
    the day is made again whole, so the move counts 0 and the new word 1."""
    moved = words(6, "moved")
    git_repo.commit(
        "start",
        "2025-06-01T09:00:00+00:00",
        files={"chapters/01.md": words(4) + "\n" + moved, "chapters/02.md": words(3, "two")},
    )
    git_repo.commit("cut", "2025-06-02T09:00:00+00:00", files={"chapters/01.md": words(4)})
    cut = run(git_repo.path)
    assert rows(cut)[0] == ("2025-06-02", 7, 2, 1, -6, 0, 6)
    git_repo.commit(
        "paste",
        "2025-06-02T11:00:00+00:00",
        files={"chapters/02.md": words(3, "two") + "\n" + moved + "\nfresh\n"},
    )
    result = run(git_repo.path)
    assert result.history_mode == "incremental"
    assert rows(result) == [
        ("2025-06-02", 14, 2, 2, 1, 1, 0),
        ("2025-06-01", 13, 2, 1, 13, 13, 0),
    ]
    assert result.text == full_run_text(git_repo.path)


def test_a_1_0_0_file_is_upgraded_without_losing_days(git_repo: GitRepo) -> None:
    """The history is made again from git (it can give words added and deleted); a day older
    than git's first commit is kept as it was, without them."""
    git_repo.commit("a", "2025-06-01T09:00:00+00:00", files={"chapters/01.md": words(10)})
    git_repo.commit("b", "2025-06-02T09:00:00+00:00", files={"chapters/01.md": words(12)})
    data = json.loads(run(git_repo.path).text)
    data["version"] = "1.0.0"
    del data["goal"]
    for entry in data["history"]:
        del entry["words_added"], entry["words_deleted"]
    old_day = {
        "date": "2025-05-20",
        "word_count": 4,
        "chapter_count": 1,
        "commits": 2,
        "words_written": 4,
        "commit_sha": "f" * 40,
    }
    data["history"].append(old_day)
    data["streaks"]["total_writing_days"] = 3
    (git_repo.path / STATS).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    result = run(git_repo.path)
    assert result.history_mode == "rebuilt"
    assert any("format 1.0.0" in note for note in result.notes)
    written = json.loads((git_repo.path / STATS).read_text(encoding="utf-8"))
    assert written["version"] == "1.1.0"
    assert written["history"][-1] == old_day
    assert rows(result) == [
        ("2025-06-02", 12, 1, 1, 2, 2, 0),
        ("2025-06-01", 10, 1, 1, 6, 10, 0),  # 10 - the kept day's 4
        ("2025-05-20", 4, 1, 2, 4, None, None),
    ]


def test_an_import_commit_that_also_edits_other_chapters_adds_nothing(git_repo: GitRepo) -> None:
    """The trailer marks the whole commit: its edit of 01.md counts 0 too (the README says
    to commit an import on its own); a normal commit the same day still counts."""
    git_repo.commit("Start", "2025-06-01T09:00:00+00:00", files={"chapters/01.md": words(10)})
    git_repo.commit(
        "Import a chapter, and a fix\n\nDraftForge: import",
        "2025-06-02T09:00:00+00:00",
        files={"chapters/01.md": words(12), "chapters/02.md": words(30, "two")},
    )
    git_repo.commit("Write", "2025-06-02T18:00:00+00:00", files={"chapters/01.md": words(15)})
    result = run(git_repo.path)
    assert rows(result) == [
        ("2025-06-02", 45, 2, 2, 35, 3, 0),  # only Write's 3 words (12 to 15)
        ("2025-06-01", 10, 1, 1, 10, 10, 0),
    ]
