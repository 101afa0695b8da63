"""The one git module finds and runs git with plain `git` processes: where a repository is,
what it is (bare, sha256, a `.git` git cannot open), and the errors of a failed command.
Real repositories in temporary folders; no git is mocked."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from draftforge_stats.errors import GitError
from draftforge_stats.gitrepo import GraphCommit, Repository, parse_graph, run_git
from tests.gitutil import GitRepo


def test_find_gives_the_work_tree_git_folder_and_object_format(git_repo: GitRepo) -> None:
    (git_repo.path / "chapters").mkdir()

    repo = Repository.find(git_repo.path / "chapters")

    assert repo is not None
    top = git_repo.path.resolve()
    assert (repo.root, repo.git_dir, repo.common_dir) == (top, top / ".git", top / ".git")
    assert repo.object_format == "sha1"


def test_a_worktree_has_its_own_git_folder_and_the_clone_s_common_folder(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.commit("one", files={"chapters/01.md": "One.\n"})
    git_repo.git("worktree", "add", "-q", str(tmp_path / "side"), "-b", "side")

    repo = Repository.find(tmp_path / "side")

    assert repo is not None
    assert repo.root == (tmp_path / "side").resolve()
    assert repo.git_dir == (git_repo.path / ".git/worktrees/side").resolve()
    assert repo.common_dir == (git_repo.path / ".git").resolve()


def test_a_sha256_repository_names_blobs_as_git_does(tmp_path: Path) -> None:
    path = tmp_path / "book"
    subprocess.run(["git", "init", "-q", "--object-format=sha256", str(path)], check=True)
    data = b"One two three.\n"
    (path / "a.md").write_bytes(data)
    expected = GitRepo(path).git("hash-object", "a.md")

    repo = Repository.find(path)

    assert repo is not None
    assert repo.object_format == "sha256"
    assert repo.hash_blob(data) == expected
    assert len(expected) == 64


def test_outside_any_repository_find_gives_none(tmp_path: Path) -> None:
    assert Repository.find(tmp_path) is None


def test_a_bare_repository_is_one_clear_error(bare_remote: Path) -> None:
    with pytest.raises(GitError) as caught:
        Repository.find(bare_remote)

    assert str(caught.value) == f"{bare_remote} is a bare repository; run inside a clone."


def test_an_empty_git_folder_inside_a_repository_is_not_read_as_the_outer_one(
    git_repo: GitRepo,
) -> None:
    inner = git_repo.path / "book"
    (inner / ".git").mkdir(parents=True)  # git would skip it and open the outer repository

    with pytest.raises(GitError) as caught:
        Repository.find(inner)

    assert str(caught.value).startswith(f"{inner}/.git is there, but git cannot open it")


def test_git_variables_inherited_from_a_hook_do_not_move_the_repository(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git_repo.commit("mine", files={"chapters/01.md": "Mine.\n"})
    other = GitRepo(tmp_path / "other")
    other.path.mkdir()
    other.git("init", "-q", "-b", "main")
    theirs = other.commit("theirs", files={"x.md": "Theirs.\n"})
    monkeypatch.setenv("GIT_DIR", str(other.path / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other.path))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other.path / ".git/index"))

    repo = Repository.find(git_repo.path)

    assert repo is not None
    assert repo.root == git_repo.path.resolve()
    head = repo.head()
    assert head is not None
    assert head.sha != theirs
    assert repo.git("log", "-1", "--format=%s").strip() == "mine"


def test_a_failed_command_names_it_with_git_s_own_message(git_repo: GitRepo) -> None:
    repo = Repository.find(git_repo.path)
    assert repo is not None

    with pytest.raises(GitError) as caught:
        repo.git("rev-parse", "--verify", "no-such-branch")

    assert str(caught.value) == "`git rev-parse` failed: fatal: Needed a single revision"


def test_env_reaches_one_command_only(git_repo: GitRepo) -> None:
    repo = Repository.find(git_repo.path)
    assert repo is not None

    shown = repo.git("var", "GIT_AUTHOR_IDENT", env={"GIT_AUTHOR_NAME": "Ada"})
    again = repo.git("config", "--get", "user.name")

    assert shown.startswith("Ada <")
    assert again.strip() != "Ada"


def test_run_git_runs_outside_any_repository(tmp_path: Path) -> None:
    assert run_git("--version", cwd=tmp_path).startswith("git version ")
    with pytest.raises(GitError) as caught:
        run_git("config", "--file", str(tmp_path / "none"), "--get", "a.b", cwd=tmp_path)
    assert str(caught.value) == "`git config` failed: exit code 1"


def test_the_graph_gives_parents_and_dates_as_the_full_log_does(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-03-01T23:30:00+02:00", files={"chapters/01.md": "One.\n"})
    git_repo.commit("b", "2025-03-02T08:00:00-05:00", files={"chapters/01.md": "Two.\n"})
    repo = Repository.find(git_repo.path)
    assert repo is not None

    graph = repo.graph()
    log = repo.log()

    assert [(c.sha, c.parents) for c in graph] == [(c.sha, c.parents) for c in log]
    assert [(c.authored_at, c.committed_at) for c in graph] == [
        (c.authored_at, c.committed_at) for c in log
    ]
    assert [c.author_seconds for c in graph] == [1740864600, 1740920400]
    assert graph[1].parents == (graph[0].sha,)


def _children() -> set[int]:
    """The processes this one started that have not been waited for (Linux's /proc)."""
    return {
        int(pid)
        for listing in Path("/proc/self/task").glob("*/children")
        for pid in listing.read_text(encoding="ascii").split()
    }


def test_a_graph_started_early_is_the_graph_and_one_not_asked_for_is_stopped(
    git_repo: GitRepo,
) -> None:
    git_repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "One.\n"})
    git_repo.commit("b", "2025-03-02T10:00:00+00:00", files={"chapters/01.md": "Two.\n"})
    repo = Repository.find(git_repo.path)
    assert repo is not None
    before = _children()

    repo.start_graph()
    repo.start_committed_file("chapters/01.md")
    assert len(_children() - before) == 2  # both run while the caller does other work
    early = repo.graph()
    assert [(c.sha, c.parents, c.author_raw) for c in early] == [
        (c.sha, c.parents, c.author_raw) for c in repo.graph()
    ]  # the same as a graph read when asked for
    assert repo.committed_file("chapters/01.md", 100) == b"Two.\n"
    assert _children() == before  # both were waited for

    repo.start_graph()
    repo.stop_started()  # nothing asked for it: ended, not left behind
    assert _children() == before
    assert len(repo.graph()) == 2  # and a later graph runs its own git


def test_a_graph_date_git_cannot_print_is_read_with_care() -> None:
    out = (
        b"\x1eaaaa\x00\x001740920400 +0100\x00"  # no author date: the committer date counts
        b"\n\x1ebbbb aaaa\x001740920400 +2500\x001740920400 +0000\x00"  # offset of 25 hours
        b"\n\x1ecccc bbbb\x00300000000000 +0000\x00\x00"  # after the year 9998
    )

    graph = parse_graph(out)

    assert [(c.sha, c.parents) for c in graph] == [
        ("aaaa", ()),
        ("bbbb", ("aaaa",)),
        ("cccc", ("bbbb",)),
    ]
    assert [c.author_seconds for c in graph] == [None, 1740920400, None]
    assert [c.authored_at.isoformat() if c.authored_at else None for c in graph] == [
        "2025-03-02T14:00:00+01:00",
        "2025-03-02T13:00:00+00:00",
        None,
    ]
    assert isinstance(graph[0], GraphCommit)


def test_merge_sides_lists_each_other_parent_s_changes_and_keeps_only_the_paths_asked_for(
    git_repo: GitRepo,
) -> None:
    """The branch changed a chapter and a non-chapter file; main changed another chapter. The
    merge against its second parent (the branch) shows main's change only: 1 path; with
    `keep` refusing that path, an empty list (the merge is still listed)."""
    git_repo.commit("base", files={"chapters/a.md": "a\n", "chapters/b.md": "b\n", "x.txt": "x"})
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.commit("side", files={"chapters/b.md": "b b\n", "x.txt": "y"})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("main", files={"chapters/a.md": "a a\n"})
    git_repo.git("merge", "-q", "--no-edit", "side")
    repo = Repository.find(git_repo.path)
    assert repo is not None
    merge = next(c for c in repo.log() if len(c.parents) == 2)
    sides = repo.merge_sides([merge])
    assert [[change.path for change in side] for side in sides[merge.sha]] == [["chapters/a.md"]]
    kept = repo.merge_sides([merge], keep=lambda path: path != "chapters/a.md")
    assert kept == {merge.sha: [[]]}


def test_graph_output_that_is_not_commits_is_an_error_not_skipped() -> None:
    good = b"\x1eaaaa\x001740920400 +0100\x001740920400 +0100\x00"
    assert [c.sha for c in parse_graph(good + b"\n")] == ["aaaa"]

    with pytest.raises(GitError, match="unexpected `git log` output near b'warning: x"):
        parse_graph(good + b"warning: x\x00")


def test_a_tree_can_be_listed_for_one_folder_only(git_repo: GitRepo) -> None:
    """The chapters' folder alone (a long history's tree may hold thousands of other
    files): its files at any depth, not a sibling whose name starts the same, and a name
    with pathspec magic taken literally."""
    files = {
        "README.md": "x\n",
        "book/chapters/01.md": "a\n",
        "book/chapters/part/02.md": "b\n",
        "book/chapters-old/03.md": "c\n",
        "book/[draft]*/04.md": "d\n",
        "book/[draft]x/05.md": "e\n",
    }
    sha = git_repo.commit("files", files=dict(files))
    repo = Repository.find(git_repo.path)
    assert repo is not None

    assert [e.path for e in repo.tree(sha, under="book/chapters")] == [
        "book/chapters/01.md",
        "book/chapters/part/02.md",
    ]
    assert [e.path for e in repo.tree(sha, under="book/[draft]*")] == ["book/[draft]*/04.md"]
    assert len(repo.tree(sha)) == 6
    assert repo.tree(sha, under="nowhere") == []


def test_a_file_named_double_dash_is_not_taken_for_another(git_repo: GitRepo) -> None:
    """`git ls-tree` takes no `--` separator: one would be read as a path, and a file of
    that name (sorted first) taken for the stats file or listed among the chapters."""
    sha = git_repo.commit(
        "files",
        files={
            "--": "not the stats file\n",
            ".draftforge/stats.json": "{}\n",
            "chapters/01.md": "a\n",
        },
    )
    repo = Repository.find(git_repo.path)
    assert repo is not None

    assert repo.committed_file(".draftforge/stats.json", 100) == b"{}\n"
    assert [e.path for e in repo.tree(sha, under="chapters")] == ["chapters/01.md"]
