"""Shared fixtures: every test runs isolated from the user's home, git config and clock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
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


NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
"""The start of a command that runs as the unprivileged user 65534 (root can read anything)."""


@pytest.fixture
def nobodys_folder() -> Iterator[Path]:
    """A folder for files the unprivileged user 65534 will own (pytest's own folders are
    root's and closed to others); skipped where the suite cannot run a command as that user."""
    if shutil.which("setpriv") is None or os.geteuid() != 0:
        pytest.skip("needs root and setpriv to run as another user")
    probe = subprocess.run(
        [*NOBODY, sys.executable, "-c", "import draftforge_stats"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip("the unprivileged user cannot import the package here")
    folder = Path(tempfile.mkdtemp(prefix="draftforge-nobody-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
