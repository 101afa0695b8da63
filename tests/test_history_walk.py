"""Incremental runs read git once: a day that already has stored commits is made again from
the same `git log` as the new commits, and the file equals a full run's, byte for byte.

git's own trace (`GIT_TRACE2_EVENT`, real git processes) shows which `git log --raw` ran.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from draftforge_stats.pipeline import StatsRun
from tests.faultkit import raw_commit
from tests.gitutil import GitRepo
from tests.test_history import full_run_text, run, words
from tests.test_history_replay import merge

STATS = Path(".draftforge") / "stats.json"


def raw_logs(trace: Path) -> list[list[str]]:
    """The arguments of each `git log --raw` git's trace recorded, after the options."""
    found: list[list[str]] = []
    if not trace.exists():
        return found
    for line in trace.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        argv = event.get("argv", [])
        if event.get("event") == "start" and argv[1:2] == ["log"] and "--raw" in argv:
            found.append(argv[argv.index("--end-of-options") + 1 :])
    return found


def traced_run(root: Path, trace: Path, monkeypatch: pytest.MonkeyPatch) -> StatsRun:
    trace.unlink(missing_ok=True)
    monkeypatch.setenv("GIT_TRACE2_EVENT", str(trace))
    try:
        return run(root)
    finally:
        monkeypatch.delenv("GIT_TRACE2_EVENT")


def test_a_new_commit_on_the_stored_newest_day_reads_one_log(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    before_day = git_repo.commit(
        "b", "2025-05-02T09:00:00+00:00", files={"chapters/01.md": words(8)}
    )
    git_repo.commit(
        "c",
        "2025-05-03T09:00:00+00:00",
        files={"chapters/01.md": words(8) + "\nA moved paragraph here.\n"},
    )
    run(git_repo.path)
    # The paragraph moves to another chapter: on the same day, so 0 added and 0 deleted.
    git_repo.commit(
        "d",
        "2025-05-03T15:00:00+00:00",
        files={
            "chapters/01.md": words(8),
            "chapters/02.md": "A moved paragraph here.\n",
        },
    )
    trace = tmp_path / "trace.json"
    second = traced_run(git_repo.path, trace, monkeypatch)
    assert second.history_mode == "incremental"
    assert second.commits_walked == 1
    # One log: it leaves out what comes before the first commit of 3 May (b and older).
    assert raw_logs(trace) == [["HEAD", f"^{before_day}", "--"]]
    assert [
        (e.date, e.word_count, e.commits, e.words_added, e.words_deleted)
        for e in second.stats.history
    ] == [
        ("2025-05-03", 12, 2, 4, 0),  # c wrote 4 words; d moved them: nothing
        ("2025-05-02", 8, 1, 3, 0),
        ("2025-05-01", 5, 1, 5, 0),
    ]
    assert second.text == full_run_text(git_repo.path)
    assert first != before_day


def test_without_a_shared_day_the_log_starts_at_the_stored_commit(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": words(5)})
    run(git_repo.path)
    git_repo.commit("b", "2025-05-02T09:00:00+00:00", files={"chapters/01.md": words(7)})
    trace = tmp_path / "trace.json"
    later = traced_run(git_repo.path, trace, monkeypatch)
    assert raw_logs(trace) == [["HEAD", f"^{stored}", "--"]]
    assert later.text == full_run_text(git_repo.path)


def test_a_merge_bringing_commits_to_the_stored_newest_day_reads_one_log(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A branch with commits on 2 May (the stored newest day) and 1 May is merged on 3 May:
    both stored days are made again from the one log, as a full run makes them."""
    base = git_repo.commit(
        "a", "2025-05-01T08:00:00+00:00", files={"chapters/01.md": words(5) + "\nKept.\n"}
    )
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.commit("s1", "2025-05-01T20:00:00+00:00", files={"chapters/02.md": words(3, "s")})
    git_repo.commit("s2", "2025-05-02T20:00:00+00:00", files={"chapters/02.md": words(6, "s")})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit(
        "b", "2025-05-02T09:00:00+00:00", files={"chapters/01.md": words(5) + "\nMoved.\n"}
    )
    run(git_repo.path)
    when = "2025-05-03T10:00:00+00:00"
    merge(git_repo, when, "side")
    trace = tmp_path / "trace.json"
    merged = traced_run(git_repo.path, trace, monkeypatch)
    assert merged.history_mode == "incremental"
    [log] = raw_logs(trace)
    # The remade days start with a (1 May): nothing is older, so nothing is left out.
    assert log == ["HEAD", "--"]
    assert merged.text == full_run_text(git_repo.path)
    assert [(e.date, e.word_count, e.commits) for e in merged.stats.history] == [
        ("2025-05-03", 12, 1),  # the merge: 01.md (6 words) and 02.md (6)
        # b (main: 6 words) and s2 (side: 6 + 6): s2 is further from the root (a, s1, s2).
        ("2025-05-02", 12, 2),
        ("2025-05-01", 9, 2),  # a (6 words) and s1 (6 + 3)
    ]
    assert base


def test_a_day_remade_after_a_merge_and_new_commits(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs after each step of a story with merges, moves and days shared between runs:
    every incremental file equals a full run's."""
    steps: list[tuple[str, str, dict[str, str | None]]] = [
        ("main", "2025-06-01T08:00:00+00:00", {"chapters/01.md": words(4) + "\nPara one.\n"}),
        ("side", "2025-06-01T12:00:00+00:00", {"chapters/02.md": words(2, "s")}),
        ("main", "2025-06-02T08:00:00+00:00", {"chapters/01.md": words(4)}),
        ("side", "2025-06-02T09:00:00+00:00", {"chapters/02.md": "Para one.\n\n" + words(2, "s")}),
        ("merge", "2025-06-02T18:00:00+00:00", {}),
        ("main", "2025-06-02T19:00:00+00:00", {"chapters/01.md": words(9)}),
        ("main", "2025-06-03T08:00:00+00:00", {"chapters/03.md": words(1)}),
    ]
    (git_repo.path / ".git" / "info" / "exclude").write_text(".draftforge/\n")  # one per branch
    git_repo.commit("root", "2025-05-31T08:00:00+00:00", files={"notes.txt": "x\n"})
    git_repo.git("branch", "side")
    for index, (where, when, files) in enumerate(steps):
        if where == "merge":
            git_repo.git("checkout", "-q", "main")
            merge(git_repo, when, "side")
        else:
            git_repo.git("checkout", "-q", where)
            git_repo.commit(f"step {index}", when, files=files)
            git_repo.git("checkout", "-q", "main")
        result = run(git_repo.path)
        assert result.text == full_run_text(git_repo.path), f"after step {index}"
    history = [(e.date, e.word_count, e.commits, e.words_added, e.words_deleted) for e in
               result.stats.history]  # fmt: skip
    assert history == [
        ("2025-06-03", 14, 1, 1, 0),
        # main's cut of "Para one." (08:00) and side's paste of it (09:00) on the same day: a
        # move; the merge adds nothing; 19:00 rewrites 01.md (4 words to 9): 5 added.
        ("2025-06-02", 13, 4, 5, 0),
        # main's 6 words and side's 2; side's commit (12:00) is the day's latest: the totals
        # are its line's (02.md only).
        ("2025-06-01", 2, 2, 8, 0),
    ]


# ------------------------------------------------------------------ last_modified


def modified(result: StatsRun) -> dict[str, str | None]:
    return {c.file: c.last_modified for c in result.stats.breakdown.chapters}


def modified_by_fallback(root: Path) -> dict[str, str | None]:
    """`last_modified` as a run finds it when the stored file does not know it: the stored
    dates are removed (null: "not known"), and the next run (with nothing new that changed
    a chapter) asks git for them."""
    stats = root / STATS
    data = json.loads(stats.read_text(encoding="utf-8"))
    for chapter in data["breakdown"]["chapters"]:
        chapter["last_modified"] = None
    stats.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    result = run(root)
    assert result.history_mode in {"unchanged", "incremental"}
    return modified(result)


def test_last_modified_is_the_latest_commit_by_the_history_order_on_both_paths(
    git_repo: GitRepo,
) -> None:
    """Two lines make 01.md the same (a cherry-pick): the merge leaves it as it was. The
    walk's latest change is main's m1 (committed at 09:00, after side's s1 at 08:30: both
    are one commit from the root); `git log --topo-order` lists s1 first."""
    git_repo.commit("base", "2025-01-01T08:00:00+00:00", files={"chapters/01.md": words(1)})
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.commit("s1", "2025-01-01T08:30:00+00:00", files={"chapters/01.md": words(2)})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("m1", "2025-01-01T09:00:00+00:00", files={"chapters/01.md": words(2)})
    git_repo.commit("m2", "2025-01-01T20:00:00+00:00", files={"chapters/02.md": words(1)})
    when = "2025-01-02T08:00:00+00:00"
    merge(git_repo, when, "side")
    full = run(git_repo.path)
    assert modified(full) == {
        "chapters/01.md": "2025-01-01T09:00:00Z",
        "chapters/02.md": "2025-01-01T20:00:00Z",
    }
    assert modified_by_fallback(git_repo.path) == modified(full)


def test_a_renamed_chapter_dates_from_its_rename_on_both_paths(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git_repo.commit("a", "2025-02-01T10:00:00+00:00", files={"chapters/old.md": words(3)})
    git_repo.commit(
        "rename",
        "2025-02-02T10:00:00+00:00",
        files={"chapters/old.md": None, "chapters/new.md": words(3)},
    )
    git_repo.commit("b", "2025-02-03T10:00:00+00:00", files={"chapters/02.md": words(1)})
    full = run(git_repo.path)
    assert modified(full) == {
        "chapters/02.md": "2025-02-03T10:00:00Z",
        "chapters/new.md": "2025-02-02T10:00:00Z",
    }
    trace = tmp_path / "trace.json"
    monkeypatch.setenv("GIT_TRACE2_EVENT", str(trace))
    assert modified_by_fallback(git_repo.path) == modified(full)
    # Only the commits that changed the undated chapters are listed, with what they changed.
    assert raw_logs(trace) == [
        ["HEAD", "--", ":(literal)chapters/02.md", ":(literal)chapters/new.md"]
    ]


def test_an_undated_change_dates_from_the_next_dated_commit_on_both_paths(
    git_repo: GitRepo,
) -> None:
    git_repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": words(3)})
    git_repo.write("chapters/01.md", words(4))
    raw_commit(git_repo, "-5 +0000", "garbage")  # neither date can be used
    git_repo.commit("b", "2025-03-08T09:00:00+02:00", files={"chapters/02.md": words(1)})
    full = run(git_repo.path)
    assert modified(full) == {
        "chapters/01.md": "2025-03-08T07:00:00Z",
        "chapters/02.md": "2025-03-08T07:00:00Z",
    }
    assert modified_by_fallback(git_repo.path) == modified(full)


def test_in_a_shallow_clone_an_older_change_dates_from_the_boundary_on_both_paths(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.commit("a", "2025-09-01T10:00:00+00:00", files={"chapters/01.md": words(10)})
    git_repo.commit("b", "2025-09-02T10:00:00+00:00", files={"chapters/02.md": words(5)})
    git_repo.commit("c", "2025-09-03T10:00:00+00:00", files={"chapters/02.md": words(6)})
    target = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{git_repo.path}", str(target)],
        check=True,
        capture_output=True,
    )
    full = run(target)
    assert full.history_mode == "full"
    # The clone starts at b: 01.md was last changed before it, so it dates from b.
    assert modified(full) == {
        "chapters/01.md": "2025-09-02T10:00:00Z",
        "chapters/02.md": "2025-09-03T10:00:00Z",
    }
    assert modified_by_fallback(target) == modified(full)
