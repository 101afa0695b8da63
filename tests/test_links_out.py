"""The project's own files never lead out of the project (reading.py, config.py, statsfile/,
validation/): a config, stats or metadata file that is a symbolic link out of the project folder
is refused unread (its bytes never shown in a message, backed up, counted or sent) and never
replaced; a link that stays inside is read as usual.

Real git repositories, real links, the real CLI and `draftforge action` against a bare remote.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from draftforge_stats.cli import main as cli_main
from tests.builders import build_world, head_of
from tests.gitutil import GitRepo

SECRET = "root:x:0:0:the-secret-line\n"


def outside_file(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere" / "private.txt"
    path.parent.mkdir()
    path.write_text(SECRET, encoding="utf-8")
    return path


def book(git_repo: GitRepo) -> Path:
    git_repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "one two three\n"})
    (git_repo.path / ".draftforge").mkdir()
    return git_repo.path


def test_a_config_linked_out_of_the_project_is_refused_unread(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    root = book(git_repo)
    (root / ".draftforge/config.yml").symlink_to(outside_file(tmp_path))

    for command in (["stats", str(root)], ["validate", str(root)]):
        run = CliRunner().invoke(cli_main, command)

        assert run.exit_code == 1, run.output
        assert "the-secret-line" not in run.output
        assert "a symbolic link to" in run.output
        assert "outside the project folder" in run.output
    assert not (root / ".draftforge/stats.json").exists()


def test_a_config_linked_inside_the_project_is_read(git_repo: GitRepo) -> None:
    root = book(git_repo)
    (root / "settings.yml").write_text("project:\n  name: Inside\n", encoding="utf-8")
    (root / ".draftforge/config.yml").symlink_to("../settings.yml")

    run = CliRunner().invoke(cli_main, ["stats", "-q", str(root)])

    assert run.exit_code == 0, run.output
    stats = json.loads((root / ".draftforge/stats.json").read_text("utf-8"))
    assert stats["project"]["name"] == "Inside"
    assert stats["current"]["word_count"] == 3


def test_a_stats_file_linked_out_is_never_read_backed_up_or_replaced(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    root = book(git_repo)
    target = outside_file(tmp_path)
    link = root / ".draftforge/stats.json"
    link.symlink_to(target)

    run = CliRunner().invoke(cli_main, ["stats", str(root)])

    assert run.exit_code == 1, run.output
    assert "the-secret-line" not in run.output
    assert "outside the project folder" in run.output
    assert link.is_symlink()
    assert target.read_text("utf-8") == SECRET
    assert sorted(p.name for p in (root / ".draftforge").iterdir()) == ["stats.json"]


def test_metadata_linked_out_is_refused_by_validate(git_repo: GitRepo, tmp_path: Path) -> None:
    root = book(git_repo)
    (root / ".draftforge/config.yml").write_text("project:\n  name: B\n", encoding="utf-8")
    (root / "manuscript").mkdir()
    (root / "manuscript/metadata.yml").symlink_to(outside_file(tmp_path))

    run = CliRunner().invoke(cli_main, ["validate", str(root)])

    assert run.exit_code == 1, run.output
    assert "the-secret-line" not in run.output
    assert "outside the project folder" in run.output


def test_the_action_fails_on_a_committed_stats_link_out_and_pushes_nothing(
    tmp_path: Path, bare_remote: Path
) -> None:
    world = build_world(tmp_path, bare_remote)
    target = outside_file(tmp_path)
    world.author.path.joinpath(".draftforge/stats.json").symlink_to(target)
    world.pushed = world.author.commit("Link the stats", "2025-03-10T10:00:00+00:00")
    world.author.git("push", "-q", "origin", "main")
    world.workspace.git("pull", "-q", "origin", "main")

    run = world.run()

    assert run.code == 1
    assert "the-secret-line" not in run.stdout + run.summary
    errors = [line for line in run.lines() if line.startswith("::error::")]
    assert len(errors) == 1
    assert ".draftforge/stats.json is not replaced" in errors[0]
    assert "outside the project folder" in errors[0]
    assert head_of(bare_remote) == world.pushed
    assert target.read_text("utf-8") == SECRET
