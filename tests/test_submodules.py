"""A submodule (or any folder with a `.git` of its own) in the chapters folder (discover.py):
its files are in another repository's history, never in this one's, so they are not counted,
with a warning, in the working tree as in the history: the counts and the history agree.

Real git repositories: a real submodule added with `git submodule add`, a real clone.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from draftforge_stats.cli import main as cli_main
from tests.gitutil import GitRepo

STATS = ".draftforge/stats.json"


def with_submodule(git_repo: GitRepo, tmp_path: Path) -> GitRepo:
    """3 words in chapters/01.md on 1 March; on 2 March, chapters/extra: a submodule whose
    x.md has 2 words."""
    other = GitRepo(tmp_path / "other")
    other.path.mkdir()
    other.git("init", "-q", "-b", "main")
    other.commit("x", "2025-02-01T10:00:00+00:00", files={"x.md": "four five\n"})
    git_repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "one two three\n"})
    git_repo.git(
        "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(other.path),
        "chapters/extra",
    )  # fmt: skip
    git_repo.commit("Add a submodule", "2025-03-02T10:00:00+00:00")
    return git_repo


def test_a_submodule_in_the_chapters_is_not_counted_and_says_so(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    repo = with_submodule(git_repo, tmp_path)
    assert (repo.path / "chapters/extra/x.md").is_file()  # checked out, as git left it

    run = CliRunner().invoke(cli_main, ["stats", "--today", "2025-03-02", str(repo.path)])

    assert run.exit_code == 0, run.output
    assert "chapters/extra: a git repository of its own (a submodule); not followed" in run.output
    stats = json.loads((repo.path / STATS).read_text("utf-8"))
    assert stats["current"]["word_count"] == 3
    assert [c["file"] for c in stats["breakdown"]["chapters"]] == ["chapters/01.md"]
    # the history agrees with the working tree: the submodule's day adds no words
    assert [(d["date"], d["word_count"]) for d in stats["history"]] == [("2025-03-01", 3)]


def test_a_clone_without_the_submodule_checked_out_counts_the_same(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    repo = with_submodule(git_repo, tmp_path)
    clone = GitRepo(tmp_path / "clone")
    repo.git("clone", "-q", str(repo.path), str(clone.path))

    run = CliRunner().invoke(cli_main, ["stats", "-q", "--today", "2025-03-02", str(clone.path)])

    assert run.exit_code == 0, run.output
    stats = json.loads((clone.path / STATS).read_text("utf-8"))
    assert stats["current"]["word_count"] == 3
    assert [(d["date"], d["word_count"]) for d in stats["history"]] == [("2025-03-01", 3)]
