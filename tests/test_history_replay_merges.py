"""Words a merge commit wrote itself: what no parent had is added, what every parent had and
the merge dropped is deleted; a clean merge counts 0. Real repositories with conflicts
resolved by hand, octopus, unrelated-history and foxtrot merges, an import trailer on a merge,
the daily goal, and incremental runs against full ones. Hand-worked numbers.

Texts are made of distinct words (`seq("c", 4)` is "c1 c2 c3 c4"), so every number can be
read off the texts.
"""

from __future__ import annotations

import subprocess
from datetime import date

import pytest

from tests.gitutil import GitRepo
from tests.test_history import full_run_text, run
from tests.test_history_replay import rows

CH1 = "chapters/01.md"
CH2 = "chapters/02.md"


def seq(prefix: str, n: int, start: int = 1) -> str:
    return " ".join(f"{prefix}{i}" for i in range(start, start + n))


def text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs) + "\n"


def merge_into_conflict(repo: GitRepo, *args: str) -> None:
    """Start `git merge --no-commit` (a conflict is expected or allowed): the merge commit is
    made by the next `repo.commit`."""
    subprocess.run(
        ["git", "merge", "-q", "--no-ff", "--no-commit", *args],
        cwd=repo.path,
        capture_output=True,
        check=False,
    )
    assert (repo.path / ".git" / "MERGE_HEAD").exists()


def two_sides(repo: GitRepo, base: str, ours: str, theirs: str) -> None:
    """01.md is `base` on 1 June; `theirs` on branch `side` (2 June), `ours` on main (3 June)."""
    repo.commit("base", "2025-06-01T09:00:00+00:00", files={CH1: base})
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("theirs", "2025-06-02T09:00:00+00:00", files={CH1: theirs})
    repo.git("checkout", "-q", "main")
    repo.commit("ours", "2025-06-03T09:00:00+00:00", files={CH1: ours})


def test_a_clean_merge_counts_nothing(git_repo: GitRepo) -> None:
    """Branch and main edited different paragraphs of 01.md and different chapters; git
    merges them: the merge's 01.md differs from both parents', yet every word of it is in
    one of them, and nothing both had is gone: 0 and 0."""
    mid = seq("mid", 5)
    git_repo.commit(
        "base",
        "2025-06-01T09:00:00+00:00",
        files={CH1: text(seq("a", 4), mid, seq("b", 4)), CH2: text(seq("q", 3))},
    )
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.commit(
        "theirs",
        "2025-06-02T09:00:00+00:00",
        files={CH1: text(seq("a", 4), mid, seq("bb", 6)), "chapters/03.md": seq("t", 2)},
    )
    git_repo.git("checkout", "-q", "main")
    git_repo.commit(
        "ours",
        "2025-06-03T09:00:00+00:00",
        files={CH1: text(seq("aa", 3), mid, seq("b", 4)), CH2: text(seq("q", 5))},
    )
    run(git_repo.path)
    git_repo.git(
        "merge", "-q", "--no-ff", "-m", "merge", "side",
        env={"GIT_AUTHOR_DATE": "2025-06-04T09:00:00+00:00",
             "GIT_COMMITTER_DATE": "2025-06-04T09:00:00+00:00"},
    )  # fmt: skip
    assert (git_repo.path / CH1).read_text() == text(seq("aa", 3), mid, seq("bb", 6))
    result = run(git_repo.path)
    assert result.history_mode == "incremental"
    assert rows(result) == [
        ("2025-06-04", 21, 3, 1, 4, 0, 0),  # 3 + 5 + 6 in 01, 5 in 02, 2 in 03
        ("2025-06-03", 17, 2, 1, -3, 5, 4),  # a1-a4 -> aa1-aa3; q4 q5
        ("2025-06-02", 20, 3, 1, 4, 8, 4),  # b1-b4 -> bb1-bb6; 03.md's 2
        ("2025-06-01", 16, 2, 1, 16, 16, 0),
    ]
    assert result.text == full_run_text(git_repo.path)


def test_a_conflict_resolved_with_new_words(git_repo: GitRepo) -> None:
    """Base "c1 c2 c3 c4 c5 c6"; main made c3 "m1", the branch made c5 "b1" (one line: a
    conflict). The resolution "c1 c2 m1 n1 n2 b1" keeps each side's change, writes n1 n2
    (in no parent: 2 added) and drops c4 and c6 (in both parents: 2 deleted); c3 and c5,
    which only one parent still had, were already deleted by the other side's commit."""
    two_sides(git_repo, seq("c", 6), "c1 c2 m1 c4 c5 c6", "c1 c2 c3 c4 b1 c6")
    run(git_repo.path)
    merge_into_conflict(git_repo, "side")
    git_repo.commit("merge", "2025-06-04T09:00:00+00:00", files={CH1: "c1 c2 m1 n1 n2 b1\n"})
    assert len(git_repo.git("rev-parse", "HEAD^@").split()) == 2
    result = run(git_repo.path)
    assert result.history_mode == "incremental"
    assert rows(result) == [
        ("2025-06-04", 6, 1, 1, 0, 2, 2),
        ("2025-06-03", 6, 1, 1, 0, 1, 1),
        ("2025-06-02", 6, 1, 1, 0, 1, 1),
        ("2025-06-01", 6, 1, 1, 6, 6, 0),
    ]
    assert result.text == full_run_text(git_repo.path)


@pytest.mark.parametrize("kept", ["ours", "theirs"])
def test_a_resolution_that_keeps_one_side(git_repo: GitRepo, kept: str) -> None:
    """Both sides replaced the same paragraph; the resolution keeps one side whole and
    drops the other's paragraph. Choosing is not writing: the kept words are a parent's,
    and the dropped ones were in one parent only (its commit wrote them and counted them
    on its day): 0 and 0, whichever side is kept."""
    base = text(seq("k", 3), seq("c", 4))
    sides = {"ours": text(seq("k", 3), seq("m", 5)), "theirs": text(seq("k", 3), seq("b", 7))}
    two_sides(git_repo, base, sides["ours"], sides["theirs"])
    merge_into_conflict(git_repo, "side")
    git_repo.commit("keep one", "2025-06-04T09:00:00+00:00", files={CH1: sides[kept]})
    # Keeping main's side changes nothing against the first parent: no writing day at all.
    merge_day = [("2025-06-04", 10, 1, 1, 2, 0, 0)] if kept == "theirs" else []
    assert rows(run(git_repo.path)) == [
        *merge_day,
        ("2025-06-03", 8, 1, 1, -2, 5, 4),  # main: c1-c4 -> m1-m5
        ("2025-06-02", 10, 1, 1, 3, 7, 4),  # the branch: c1-c4 -> b1-b7
        ("2025-06-01", 7, 1, 1, 7, 7, 0),
    ]


def test_a_resolution_that_drops_a_paragraph_both_sides_had(git_repo: GitRepo) -> None:
    """Each side appended a paragraph; the resolution keeps main's, drops the branch's
    (one parent only: not counted) and also drops "s1 s2 s3", which both parents had:
    3 deleted. A paragraph moved to another chapter in the merge is not deleted."""
    shared, moved = seq("s", 3), seq("v", 4)
    base = text(seq("k", 2), shared, moved)
    two_sides(
        git_repo, base, text(seq("k", 2), shared, moved, seq("m", 2)), text(base, seq("b", 5))
    )
    merge_into_conflict(git_repo, "side")
    git_repo.commit(
        "merge",
        "2025-06-04T09:00:00+00:00",
        files={CH1: text(seq("k", 2), seq("m", 2)), CH2: text(moved)},
    )
    result = run(git_repo.path)
    assert rows(result)[0] == ("2025-06-04", 8, 2, 1, -3, 0, 3)


def test_an_octopus_merge_counts_what_no_parent_had(git_repo: GitRepo) -> None:
    """Three branches add chapters; the octopus merge (made with --no-commit) also edits
    01.md, which no branch touched: "w10" cut (every parent had it), "o1 o2" written."""
    git_repo.commit("A", "2025-06-01T09:00:00+00:00", files={CH1: seq("w", 10)})
    for branch, count in (("x", 2), ("y", 3), ("z", 4)):
        git_repo.git("checkout", "-q", "-b", branch, "main")
        when = f"2025-06-02T{8 + count:02}:00:00+00:00"  # z, at 12:00, is the day's latest
        git_repo.commit(branch, when, files={f"chapters/{branch}.md": seq(branch, count)})
    git_repo.git("checkout", "-q", "main")
    merge_into_conflict(git_repo, "x", "y", "z")
    git_repo.commit("octopus", "2025-06-03T09:00:00+00:00", files={CH1: seq("w", 9) + " o1 o2\n"})
    assert len(git_repo.git("rev-parse", "HEAD^@").split()) == 4
    result = run(git_repo.path)
    assert rows(result)[0] == ("2025-06-03", 20, 4, 1, 6, 2, 1)  # 11 + 2 + 3 + 4


def test_a_merge_of_an_unrelated_history_with_new_words(git_repo: GitRepo) -> None:
    """The merge brings in 02.md from another root and adds "n1 n2 n3" to it: main has no
    02.md, the other root's has it without them, so only those 3 are the merge's."""
    git_repo.commit("A", "2025-06-01T09:00:00+00:00", files={CH1: seq("w", 10)})
    git_repo.git("checkout", "-q", "--orphan", "other")
    git_repo.git("rm", "-rfq", ".")
    git_repo.commit("U1", "2025-06-02T09:00:00+00:00", files={CH2: text(seq("u", 6))})
    git_repo.git("checkout", "-q", "main")
    merge_into_conflict(git_repo, "--allow-unrelated-histories", "other")
    git_repo.commit(
        "merge", "2025-06-03T09:00:00+00:00", files={CH2: text(seq("u", 6), "n1 n2 n3")}
    )
    result = run(git_repo.path)
    assert rows(result) == [
        ("2025-06-03", 19, 2, 1, 13, 3, 0),
        ("2025-06-02", 6, 1, 1, -4, 6, 0),
        ("2025-06-01", 10, 1, 1, 10, 10, 0),
    ]


def test_a_foxtrot_merge_with_a_resolution_on_a_day_with_a_branch_commit(
    git_repo: GitRepo,
) -> None:
    """main merged into the branch on 4 June, after a branch commit that day, with a conflict
    resolved by writing "r1 r2"; main then fast-forwards to it. The incremental run remakes
    4 June (the branch commit and the merge) and gives the full run's bytes."""
    two_sides(git_repo, seq("c", 4), "c1 m1 c3 c4", "c1 b1 c3 c4")
    git_repo.git("checkout", "-q", "side")
    git_repo.commit("more", "2025-06-04T08:00:00+00:00", files={CH2: seq("x", 3)})
    run(git_repo.path)  # on the branch: 4 June has "more"
    merge_into_conflict(git_repo, "main")
    git_repo.commit(
        "merge main", "2025-06-04T09:00:00+00:00", files={CH1: "c1 b1 m1 r1 r2 c3 c4\n"}
    )
    git_repo.git("checkout", "-q", "main")
    git_repo.git("merge", "-q", "--ff-only", "side")
    result = run(git_repo.path)
    assert result.history_mode == "incremental"
    assert rows(result) == [
        ("2025-06-04", 10, 2, 2, 6, 5, 0),  # "more": 3; the merge: r1 r2
        ("2025-06-03", 4, 1, 1, 0, 1, 1),
        ("2025-06-02", 4, 1, 1, 0, 1, 1),
        ("2025-06-01", 4, 1, 1, 4, 4, 0),
    ]
    assert result.text == full_run_text(git_repo.path)


def test_an_import_trailer_on_a_merge(git_repo: GitRepo) -> None:
    """The resolution of the conflict test, marked `DraftForge: import`: 0 and 0, its
    words still in `word_count`."""
    two_sides(git_repo, seq("c", 6), "c1 c2 m1 c4 c5 c6", "c1 c2 c3 c4 b1 c6")
    merge_into_conflict(git_repo, "side")
    git_repo.commit(
        "merge\n\nDraftForge: import",
        "2025-06-04T09:00:00+00:00",
        files={CH1: "c1 c2 m1 n1 n2 b1 z1 z2\n"},
    )
    assert rows(run(git_repo.path))[0] == ("2025-06-04", 8, 1, 1, 2, 0, 0)


def test_a_merge_that_writes_the_daily_goal_keeps_the_streak(git_repo: GitRepo) -> None:
    """daily_goal 3: the only commit of 4 June is a merge whose resolution wrote 3 new
    words, so 4 June is a writing day and the streak runs 1-4 June."""
    git_repo.write(".draftforge/config.yml", "stats:\n  daily_goal: 3\n")
    two_sides(git_repo, seq("c", 4), "c1 m1 m2 m3 c3 c4", "c1 b1 b2 b3 c3 c4")
    merge_into_conflict(git_repo, "side")
    git_repo.commit(
        "merge", "2025-06-04T09:00:00+00:00", files={CH1: "c1 m1 m2 m3 b1 b2 b3 n1 n2 n3 c3 c4\n"}
    )
    result = run(git_repo.path, today=date(2025, 6, 4))
    assert rows(result)[0] == ("2025-06-04", 12, 1, 1, 6, 3, 0)
    streaks = result.stats.streaks
    assert (streaks.current_days, streaks.total_writing_days) == (4, 4)
