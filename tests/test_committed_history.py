"""The days of the stats file as HEAD holds it are protected too (pipeline.py,
safekeeping.py, gitrepo.py), and a stored day after the clock is worded as the file's day
(history/walk.py).

Real git repositories: an author's repository with commits on chosen days, pushed to a real
bare remote, and a real depth-1 clone of it, where git cannot make the stored days again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from draftforge_stats.cli import main as cli_main
from draftforge_stats.errors import HistoryLossError
from draftforge_stats.pipeline import run_stats
from tests.builders import clone
from tests.gitutil import GitRepo
from tests.test_stored_history import DAYS, STATS, eight_days_on_origin, stored_dates

NOW = datetime(2025, 3, 11, 12, 0, tzinfo=UTC)


def shallow_clone(tmp_path: Path, bare_remote: Path) -> GitRepo:
    """A depth-1 clone of the author's 8 days: its one commit (10 March, "Day 9") holds the
    stats file with 1 to 8 March, which git here cannot make again."""
    eight_days_on_origin(tmp_path, bare_remote)
    return clone(f"file://{bare_remote}", tmp_path / "shallow", "--depth", "1")


def emptied(text: str) -> str:
    return ""


def cut_before_history(text: str) -> str:
    return text[: text.index('"history"')]  # JSON cut short before any day


def shorter_valid(shallow: GitRepo) -> str:
    """A valid stats file with one day (10 March): what the clone alone can make."""
    (shallow.path / STATS).unlink()
    return run_stats(shallow.path, now=NOW, write=False).text


@pytest.mark.parametrize(
    ("damage", "protected"), [("emptied", 8), ("cut short", 8), ("shorter valid file", 9)]
)
def test_a_run_never_drops_the_committed_days_without_the_authors_word(
    tmp_path: Path, bare_remote: Path, damage: str, protected: int
) -> None:
    shallow = shallow_clone(tmp_path, bare_remote)
    path = shallow.path / STATS
    committed = path.read_text("utf-8")
    assert stored_dates(committed) == DAYS[::-1]  # 8 days, 1 to 8 March
    replaced: dict[str, Any] = {
        "emptied": lambda: emptied(committed),
        "cut short": lambda: cut_before_history(committed),
        "shorter valid file": lambda: shorter_valid(shallow),
    }
    damaged = replaced[damage]()
    path.write_text(damaged, encoding="utf-8")
    head = shallow.head()

    with pytest.raises(HistoryLossError) as refused:
        run_stats(shallow.path, now=NOW)

    message = str(refused.value)
    # 8 committed days, none of which the clone can make again: all 8 would be dropped (of
    # 9 stored in all when the working copy holds 10 March too).
    assert f"would drop 8 days of the {protected} days of history stored in" in message
    assert f".draftforge/stats.json as commit {head[:12]} holds it" in message
    assert f"`git show {head[:12]}:.draftforge/stats.json`" in message
    assert "2025-03-01, 2025-03-02, 2025-03-03, 2025-03-04, 2025-03-05 and 3 more" in message
    assert "--allow-shorter-history" in message
    assert path.read_text("utf-8") == damaged  # nothing written

    # The CLI: exit 1, the same words; nothing written.
    cli = CliRunner().invoke(cli_main, ["stats", "-q", str(shallow.path)])
    assert cli.exit_code == 1
    assert f"as commit {head[:12]} holds it" in cli.output
    assert path.read_text("utf-8") == damaged

    # With the author's word: the shorter history (10 March alone) is written.
    allowed = CliRunner().invoke(
        cli_main, ["stats", "-q", "--allow-shorter-history", str(shallow.path)]
    )
    assert allowed.exit_code == 0, allowed.output
    assert stored_dates(path.read_text("utf-8")) == ["2025-03-10"]
    assert "8 days dropped (2025-03-01" in allowed.output


def test_a_dry_run_only_warns_about_the_committed_days(tmp_path: Path, bare_remote: Path) -> None:
    shallow = shallow_clone(tmp_path, bare_remote)
    (shallow.path / STATS).write_text("", encoding="utf-8")

    run = run_stats(shallow.path, now=NOW, write=False)

    [lost] = [w for w in run.warnings if "would drop" in w]
    assert "would drop 8 days of the 8 days" in lost
    assert "Nothing is written now." in lost
    assert (shallow.path / STATS).read_text("utf-8") == ""


def test_days_git_can_make_again_are_not_a_loss(tmp_path: Path, bare_remote: Path) -> None:
    # A full clone: git makes 1 to 8 March again, and 10 March; nothing committed is lost.
    eight_days_on_origin(tmp_path, bare_remote)
    full = clone(bare_remote, tmp_path / "full")
    (full.path / STATS).write_text("", encoding="utf-8")

    run = run_stats(full.path, now=NOW)

    assert stored_dates(run.text) == ["2025-03-10", *DAYS[::-1]]  # 9 days
    assert not any("would drop" in warning for warning in run.warnings)


def test_the_committed_days_held_by_the_working_copy_are_not_counted_twice(
    tmp_path: Path, bare_remote: Path
) -> None:
    # The working copy holds the committed 8 days and one more (10 March) made by a run:
    # the clone keeps all 9; nothing is refused.
    shallow = shallow_clone(tmp_path, bare_remote)
    first = run_stats(shallow.path, now=NOW)
    assert stored_dates(first.text) == ["2025-03-10", *DAYS[::-1]]
    again = run_stats(shallow.path, now=NOW)
    assert not again.written


def test_a_stored_day_after_the_clock_is_worded_as_the_files_day(git_repo: GitRepo) -> None:
    git_repo.commit("Day 1", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "a b c\n"})
    run_stats(git_repo.path, now=NOW)
    path = git_repo.path / STATS
    data = json.loads(path.read_text("utf-8"))
    day = dict(data["history"][0], date="9999-12-31", commit_sha="b" * 40)
    data["history"].insert(0, day)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    run = run_stats(git_repo.path, now=NOW, write=False)

    ahead = [w for w in run.warnings if "9999-12-31" in w]
    assert ahead == [
        ".draftforge/stats.json stores a day dated 9999-12-31, after the time of this run "
        "(2025-03-11); git has no commit that makes it (the entry names commit bbbbbbbbbbbb), "
        "so it is kept as the file stores it. If the date is wrong, check the computer's "
        "clock, or remove that entry from the file's history and run "
        "`draftforge stats --allow-shorter-history`."
    ]
    assert not any(w.startswith("commit bbbbbbbbbbbb") for w in run.warnings)


def test_heads_copy_is_read_only_when_it_differs_and_fits(git_repo: GitRepo) -> None:
    """`Repository.committed_file`: HEAD's bytes of a path in a folder whose name looks like a
    glob, none when the working copy holds the same bytes (told by the blob id), when the
    file is larger than the limit, or when HEAD has no such file."""
    from draftforge_stats.gitrepo import Repository

    path = "book[1]/.draftforge/stats.json"
    git_repo.commit("stats", files={path: '{"x": 1}\n', "book1/.draftforge/stats.json": "no\n"})
    repo = Repository.find(git_repo.path)
    assert repo is not None
    assert repo.committed_file(path, 100) == b'{"x": 1}\n'
    assert repo.committed_file(path, 100, unless=b'{"x": 2}\n') == b'{"x": 1}\n'
    assert repo.committed_file(path, 100, unless=b'{"x": 1}\n') is None
    assert repo.committed_file(path, 8) is None  # 9 bytes
    assert repo.committed_file(path, 9) == b'{"x": 1}\n'
    assert repo.committed_file("book2/.draftforge/stats.json", 100) is None
