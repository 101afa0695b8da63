"""Shared fixtures: every test runs isolated from the user's home, git config and clock."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.builders import world  # noqa: F401  (a fixture shared by the Action's tests)
from tests.gitutil import GitRepo
from tests.postgres import postgres_server  # noqa: F401  (the receiver's database server)


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """No test reads or writes the real home directory or the user's git configuration."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test Author\n\temail = author@example.com\n"
        "[init]\n\tdefaultBranch = main\n"
        '[protocol "file"]\n\tallow = always\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "INPUT_", "RUNNER_")) or name in {
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_AUTHOR_DATE",
            "GIT_COMMITTER_DATE",
            "SOURCE_DATE_EPOCH",
            "NO_COLOR",
            "FORCE_COLOR",
            "CI",
        }:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    yield


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    """A fresh, empty git repository (branch `main`) in a temporary folder."""
    path = tmp_path / "repo"
    path.mkdir()
    repo = GitRepo(path)
    repo.git("init", "-q", "-b", "main")
    return repo


@pytest.fixture
def bare_remote(tmp_path: Path) -> Path:
    """An empty bare repository on disk, to push to."""
    path = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
    return path
