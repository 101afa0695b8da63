"""`.draftforge` that is not a folder (pipeline.py): a file or a link to nothing where the
tool's folder goes is named as what it is, never blamed on permissions, and left as it is.

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
