"""The images in a real project: written beside stats.json by `draftforge stats`, only when
their bytes change, never with `images: false`, and committed by the Action in the same commit
as the stats (a real bare repository as `origin`)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from draftforge_stats.cli import main
from tests.builders import CONFIG, NOW, World, git_in, head_of
from tests.gitutil import GitRepo

EPOCH = "1764590400"  # 2025-12-01T12:00:00Z
DRAFTFORGE = Path(".draftforge")


def stats(repo: GitRepo, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["stats", str(repo.path), *args], env={"SOURCE_DATE_EPOCH": EPOCH}
    )


def book(repo: GitRepo, config: str = "") -> GitRepo:
    files = {"chapters/01-one.md": "# One\n\nFour words right here.\n"}
    if config:
        files[".draftforge/config.yml"] = config
    repo.commit("The book", "2025-11-30T10:00:00+00:00", files=dict(files))
    return repo


def test_stats_writes_both_images_then_nothing_when_nothing_changed(git_repo: GitRepo) -> None:
    book(git_repo)
    first = stats(git_repo)
    assert first.exit_code == 0, first.output
    assert (
        "Wrote .draftforge/stats.json, .draftforge/progress.svg, .draftforge/calendar.svg."
        in first.stdout
    )
    folder = git_repo.path / DRAFTFORGE
    assert sorted(p.name for p in folder.iterdir()) == [
        "calendar.svg",
        "progress.svg",
        "stats.json",
    ]
    for name in ("progress.svg", "calendar.svg"):
        root = ET.parse(folder / name).getroot()
        assert root.get("role") == "img"
    calendar = (folder / "calendar.svg").read_text("utf-8")
    # Five words ("One", "Four words right here.") on Sunday 30 November 2025: level 1, in
    # the week before the last (the run is on Monday 1 December): column 51, row 6.
    assert 'class="l1" x="703" y="130" width="10" height="10" rx="2" data-date="2025-11-30" ' \
        'data-words="5"/>' in calendar  # fmt: skip
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}

    again = stats(git_repo)

    assert again.exit_code == 0, again.output
    assert ".draftforge/stats.json is up to date; nothing written." in again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_images_false_writes_none_and_badge_true_writes_the_badge(git_repo: GitRepo) -> None:
    book(git_repo, 'version: "1.0"\nproject: {target_word_count: 10}\nstats: {images: false, '
                   "badge: true}\n")  # fmt: skip
    result = stats(git_repo)
    assert result.exit_code == 0, result.output
    assert "Wrote .draftforge/stats.json, .draftforge/badge.json." in result.stdout
    folder = git_repo.path / DRAFTFORGE
    assert sorted(p.name for p in folder.iterdir()) == ["badge.json", "config.yml", "stats.json"]
    assert json.loads((folder / "badge.json").read_text("utf-8")) == {
        "schemaVersion": 1,
        "label": "words",
        "message": "5 / 10 (50%)",
        "color": "blue",
    }


def test_no_write_and_check_write_no_image(git_repo: GitRepo) -> None:
    book(git_repo)
    assert stats(git_repo, "--no-write").exit_code == 0
    assert not (git_repo.path / DRAFTFORGE).exists()
    assert stats(git_repo, "--check").exit_code == 1
    assert not (git_repo.path / DRAFTFORGE).exists()


def test_the_action_commits_the_images_with_the_stats_in_one_commit(world: World) -> None:
    run = world.run()
    assert run.code == 0, run.stdout
    assert git_in(world.origin, "rev-parse", "main~1").strip() == world.pushed
    assert git_in(world.origin, "show", "--format=", "--name-only", "main").splitlines() == [
        ".draftforge/calendar.svg",
        ".draftforge/progress.svg",
        ".draftforge/stats.json",
    ]
    card = git_in(world.origin, "show", "main:.draftforge/progress.svg")
    assert card == (world.workspace.path / ".draftforge/progress.svg").read_text("utf-8")
    assert '<text class="fg small" x="20" y="128">Today: +4 words</text>' in card


def test_the_next_day_the_action_commits_the_redrawn_images_alone(world: World) -> None:
    assert world.run().code == 0
    stats_commit = head_of(world.origin)
    later = world.run(world.env(world.event("schedule")), now=NOW + timedelta(days=1))
    assert later.code == 0, later.stdout
    # The streak still holds (yesterday counts), so stats.json is unchanged; today's words and
    # the calendar's last day moved on.
    assert git_in(world.origin, "rev-parse", "main~1").strip() == stats_commit
    assert git_in(world.origin, "show", "--format=", "--name-only", "main").splitlines() == [
        ".draftforge/calendar.svg",
        ".draftforge/progress.svg",
    ]


def test_with_images_false_the_action_commits_the_stats_alone(world: World) -> None:
    world.author.git("pull", "-q", "origin", "main")
    pushed = world.author.commit(
        "No images", "2025-03-10T10:00:00+00:00",
        files={".draftforge/config.yml": CONFIG + "stats:\n  images: false\n"},
    )  # fmt: skip
    world.author.git("push", "-q", "origin", "main")
    world.workspace.git("pull", "-q", "origin", "main")
    event = world.event(before=world.pushed, after=pushed, ref="refs/heads/main")
    run = world.run(world.env(event, GITHUB_SHA=pushed))
    assert run.code == 0, run.stdout
    assert git_in(world.origin, "show", "--format=", "--name-only", "main").splitlines() == [
        ".draftforge/stats.json"
    ]
    assert not (world.workspace.path / ".draftforge/progress.svg").exists()


def test_a_file_the_author_made_is_never_overwritten(git_repo: GitRepo) -> None:
    mine = '<svg xmlns="http://www.w3.org/2000/svg"><text>my own card</text></svg>\n'
    badge = '{"schemaVersion": 1, "label": "chapters", "message": "12", "color": "red"}\n'
    book(git_repo, 'version: "1.0"\nstats: {badge: true}\n')
    (git_repo.path / ".draftforge/progress.svg").write_text(mine, encoding="utf-8")
    (git_repo.path / ".draftforge/badge.json").write_text(badge, encoding="utf-8")

    result = stats(git_repo)

    assert result.exit_code == 0, result.output
    assert (git_repo.path / ".draftforge/progress.svg").read_text("utf-8") == mine
    assert (git_repo.path / ".draftforge/badge.json").read_text("utf-8") == badge
    assert "Wrote .draftforge/stats.json, .draftforge/calendar.svg." in result.stdout
    for name in ("progress.svg", "badge.json"):
        assert (
            f"warning: .draftforge/{name} was not written by DraftForge Stats; it is left as it "
            "is" in " ".join(result.stderr.split())
        )
    # A file DraftForge wrote is replaced when its bytes change.
    calendar = git_repo.path / ".draftforge/calendar.svg"
    calendar.write_text(calendar.read_text("utf-8").replace("words added", "WORDS"), "utf-8")
    assert "Wrote .draftforge/calendar.svg." in stats(git_repo).stdout
