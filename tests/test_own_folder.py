"""The tool's own files (pipeline.py, reading.py): a `.draftforge` that is a file or a link
to nothing is named as what it is, never blamed on permissions, and left as it is; a config or
stats file past the size bound is never told to "split it", as a chapter is.

Real git repositories, the real CLI and `draftforge action` against a bare remote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from draftforge_stats.cli import main as cli_main
from tests.builders import build_world, head_of
from tests.gitutil import GitRepo


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda path: path.write_text("notes\n", encoding="utf-8"), "a file"),
        (lambda path: path.symlink_to("nowhere"), "a symbolic link to nothing"),
    ],
)
def test_a_draftforge_that_is_not_a_folder_is_named_as_what_it_is(
    git_repo: GitRepo, make: Callable[[Path], object], what: str
) -> None:
    git_repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "one two\n"})
    own = git_repo.path / ".draftforge"
    make(own)

    run = CliRunner().invoke(cli_main, ["stats", str(git_repo.path)])

    assert run.exit_code == 1, run.output
    assert f"Cannot write .draftforge/stats.json: {own} is {what}, not a folder." in run.output
    assert "writable" not in run.output
    assert own.is_symlink() or own.read_text("utf-8") == "notes\n"


def test_the_action_names_a_draftforge_file_and_pushes_nothing(
    tmp_path: Path, bare_remote: Path
) -> None:
    world = build_world(tmp_path, bare_remote)
    (world.workspace.path / ".draftforge").rename(world.workspace.path / "kept")
    (world.workspace.path / ".draftforge").write_text("notes\n", encoding="utf-8")

    run = world.run()

    assert run.code == 1
    errors = [line for line in run.lines() if line.startswith("::error::")]
    assert len(errors) == 1
    assert "/.draftforge is a file, not a folder." in errors[0]
    assert head_of(bare_remote) == world.pushed


@pytest.mark.parametrize("name", ["stats.json", "config.yml"])
def test_an_own_file_past_the_size_bound_is_not_told_to_split(git_repo: GitRepo, name: str) -> None:
    git_repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "one two\n"})
    path = git_repo.path / ".draftforge" / name
    path.parent.mkdir()
    huge = b"{}" + b" " * 4_999_999  # 5,000,001 bytes: one past the bound
    path.write_bytes(huge)

    run = CliRunner().invoke(cli_main, ["stats", str(git_repo.path)])

    assert run.exit_code == 1, run.output
    said = " ".join(run.output.split())
    assert "5,000,001 bytes, more than the 5,000,000 a file may have (no file DraftForge" in said
    assert "check what the file holds" in said
    assert "split it" not in said
    assert path.read_bytes() == huge
