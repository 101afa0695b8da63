"""No `git` command on PATH: outside a repository the words are still counted; inside one,
one clear error (the history needs git), in the CLI and in the Action. Each command runs in
a subprocess whose PATH has no git (GitPython refuses to be imported without one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import FAILED_OUTPUTS
from tests.faultkit import action_world
from tests.gitutil import GitRepo

CHAPTER = "# One\n\nOne two three.\n"  # 4 words


@pytest.fixture
def no_git_path(tmp_path: Path) -> str:
    folder = tmp_path / "bin-without-git"
    folder.mkdir()
    return str(folder)


def draftforge(*args: str, cwd: Path, path: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "draftforge_stats", *args],
        cwd=cwd,
        env={"PATH": path, "HOME": str(cwd), "NO_COLOR": "1", "COLUMNS": "100", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def plain_project(folder: Path) -> Path:
    """A project folder with one chapter, outside any repository."""
    (folder / "chapters").mkdir(parents=True)
    (folder / "chapters/01.md").write_text(CHAPTER, encoding="utf-8")
    return folder


def test_outside_a_repository_the_words_are_counted_without_git(
    tmp_path: Path, no_git_path: str
) -> None:
    project = plain_project(tmp_path / "plain")

    run = draftforge("stats", "--json", cwd=project, path=no_git_path)

    assert run.returncode == 0, run.stderr
    assert run.stderr == "note: Not a git repository: counts only, with no history or streaks.\n"
    data = json.loads(run.stdout)
    assert (data["current"]["word_count"], data["history"]) == (4, [])
    assert (project / ".draftforge/stats.json").read_text("utf-8") == run.stdout
    checked = draftforge("validate", cwd=project, path=no_git_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_inside_a_repository_without_git_is_one_clear_error(
    git_repo: GitRepo, no_git_path: str
) -> None:
    git_repo.commit("Start", files={"chapters/01.md": CHAPTER})

    run = draftforge("stats", cwd=git_repo.path / "chapters", path=no_git_path)

    assert run.returncode == 1
    assert " ".join(run.stderr.split()) == (
        f"error: git is not installed, or not on PATH, but {git_repo.path} is in a git "
        f"repository ({git_repo.path}) whose history needs it: install git (2.31 or newer) and "
        "run again."
    )
    assert not (git_repo.path / ".draftforge").exists()  # nothing written, no short history


def test_the_action_without_git_reports_an_error(
    tmp_path: Path, bare_remote: Path, git_repo: GitRepo, no_git_path: str
) -> None:
    git_repo.commit("Start", files={"chapters/01.md": CHAPTER})
    world = action_world(tmp_path, bare_remote, git_repo)
    env = world.env(world.event("workflow_dispatch", ref="refs/heads/main"))

    run = draftforge("action", cwd=world.workspace.path, path=no_git_path, **env)

    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.splitlines()[-1] == (
        "::error::git is not installed, or not on PATH: install git (2.31 or newer) and run again."
    )
    assert "Traceback" not in run.stdout + run.stderr
    outputs = Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8").splitlines()
    assert dict(line.split("=", 1) for line in outputs) == FAILED_OUTPUTS


@pytest.mark.parametrize("broken", ["a .git file pointing nowhere", "an empty .git folder"])
def test_a_git_folder_git_cannot_open_is_an_error_not_a_run_without_history(
    tmp_path: Path, broken: str
) -> None:
    project = plain_project(tmp_path / "book")
    if broken.startswith("a .git file"):
        (project / ".git").write_text(
            f"gitdir: {tmp_path / 'nowhere' / 'worktrees' / 'book'}\n", encoding="utf-8"
        )
    else:
        (project / ".git").mkdir()

    run = draftforge("stats", cwd=project, path=os.environ["PATH"])

    assert run.returncode == 1
    assert not (tmp_path / "nowhere").exists()  # nothing written where `gitdir:` points
    assert " ".join(run.stderr.split()) == (
        f"error: {project}/.git is there, but git cannot open it as a repository (a clone or "
        "worktree that was moved or damaged?): repair it (`git worktree repair`, or clone "
        "again), or remove it if the folder is not meant to be in git."
    )
    assert not (project / ".draftforge").exists()


def test_a_missing_object_is_one_clear_error(git_repo: GitRepo) -> None:
    git_repo.commit("One", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "Three.\n"})
    blob = git_repo.git("rev-parse", "HEAD:chapters/01.md")
    git_repo.commit("Two", "2025-03-02T10:00:00+00:00", files={"chapters/01.md": CHAPTER})
    (git_repo.path / ".git/objects" / blob[:2] / blob[2:]).unlink()

    run = draftforge("stats", "--no-write", cwd=git_repo.path, path=os.environ["PATH"])

    assert run.returncode == 1
    assert " ".join(run.stderr.split()) == (
        f"error: `git cat-file` could not read blob {blob} ({blob} missing): the repository is "
        "damaged or incomplete; `git fsck` lists what is missing, and a fresh clone repairs it."
    )
