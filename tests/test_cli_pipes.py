"""The CLI writing into a pipe whose reader has gone (`draftforge stats | head -3`): each
command ends quietly with exit code 1 (as click ends its own commands), never with the "this is
a bug" message and exit code 3. A real pipe with its read end closed, a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitutil import GitRepo


def run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess[bytes]:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line is written
    try:
        return subprocess.run(
            [sys.executable, "-m", "draftforge_stats", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1764590400"},
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "command",
    [["stats", "--no-write"], ["stats"], ["validate"], ["validate", "--format", "json"]],
)
def test_a_reader_that_goes_away_is_not_a_bug(git_repo: GitRepo, command: list[str]) -> None:
    git_repo.commit(
        "Start", "2025-11-30T10:00:00+00:00",
        files={".draftforge/config.yml": "project: {target_word_count: 1000}\n",
               "chapters/01-one.md": "# One\n\nthree words here\n"},
    )  # fmt: skip
    done = run_into_closed_pipe(command[0], str(git_repo.path), *command[1:])
    assert (done.returncode, done.stderr) == (1, b"")


def test_init_into_a_closed_pipe(tmp_path: Path) -> None:
    done = run_into_closed_pipe("init", str(tmp_path / "book"))
    assert (done.returncode, done.stderr) == (1, b"")
    assert (tmp_path / "book" / ".draftforge" / "config.yml").is_file()  # the work was done
