"""A stored history whose days sit at the edges of the calendar (statsfile/, validation/rules.py,
pipeline.py): 9999-12-31 and 0001-01-01 are dates like any other for `draftforge stats` and
`draftforge validate`, never a traceback.

Real git repositories in temporary folders, the real CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from draftforge_stats.cli import main as cli_main
from tests.gitutil import GitRepo

STATS = ".draftforge/stats.json"
TODAY = "2025-03-10"


def two_days(repo: GitRepo) -> Path:
    """3 words on 1 March, 5 words on 2 March; the stats written and returned."""
    repo.commit("a", "2025-03-01T10:00:00+00:00", files={"chapters/01.md": "one two three\n"})
    repo.commit("b", "2025-03-02T10:00:00+00:00", files={"chapters/01.md": "a b c d e\n"})
    written = CliRunner().invoke(cli_main, ["stats", "-q", "--today", TODAY, str(repo.path)])
    assert written.exit_code == 0, written.output
    return repo.path / STATS


def add_days(path: Path, newest: list[str], oldest: list[str]) -> None:
    """Stored entries for `newest` before, and `oldest` after, the days git made (a copy of
    the newest entry each); the count of writing days to match, so the file is valid
    but for the streak checks, which must not raise on these days."""
    data = json.loads(path.read_text("utf-8"))
    template = dict(data["history"][0], commit_sha="b" * 40)
    data["history"] = (
        [dict(template, date=day) for day in newest]
        + data["history"]
        + [dict(template, date=day) for day in oldest]
    )
    data["streaks"]["total_writing_days"] = len(data["history"])
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("newest", "oldest", "streaks"),
    [
        # (current, longest, total): the longest run is 1-2 March; a last day after "today"
        # keeps its run current (README, Streaks)
        (["9999-12-31"], [], (1, 2, 3)),
        (["9999-12-31", "9999-12-30"], [], (2, 2, 4)),
        ([], ["0001-01-02", "0001-01-01"], (0, 2, 4)),
        (["9999-12-31"], ["0001-01-01"], (1, 2, 4)),
    ],
)
def test_days_at_the_calendar_edges_are_kept_and_never_a_traceback(
    git_repo: GitRepo, newest: list[str], oldest: list[str], streaks: tuple[int, int, int]
) -> None:
    path = two_days(git_repo)
    add_days(path, newest, oldest)

    checked = CliRunner().invoke(cli_main, ["validate", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "no problems" in checked.output

    run = CliRunner().invoke(cli_main, ["stats", "-q", "--today", TODAY, str(git_repo.path)])

    assert run.exit_code == 0, run.output
    assert run.exception is None or isinstance(run.exception, SystemExit)
    dates = [entry["date"] for entry in json.loads(path.read_text("utf-8"))["history"]]
    # git makes 1 and 2 March again; every stored day is still there, newest first
    assert dates == [*newest, "2025-03-02", "2025-03-01", *oldest]
    written = json.loads(path.read_text("utf-8"))["streaks"]
    assert (
        written["current_days"],
        written["longest_days"],
        written["total_writing_days"],
    ) == streaks
    assert written["last_write_date"] == (newest or ["2025-03-02"])[0]


@pytest.mark.parametrize("bad", ["0000-00-00", "2025-02-30", "2025-13-01", "99999-01-01"])
def test_a_day_that_is_not_a_date_is_left_out_by_name_and_its_bytes_kept(
    git_repo: GitRepo, bad: str
) -> None:
    path = two_days(git_repo)
    data = json.loads(path.read_text("utf-8"))
    data["history"].append(dict(data["history"][-1], date=bad))
    original = (json.dumps(data, indent=2) + "\n").encode()
    path.write_bytes(original)

    run = CliRunner().invoke(cli_main, ["stats", "--today", TODAY, str(git_repo.path)])

    assert run.exit_code == 0, run.output
    assert f"$.history[2].date: '{bad}' is not a 'date'" in run.output
    assert "2 days kept, 1 left out" in run.output
    dates = [entry["date"] for entry in json.loads(path.read_text("utf-8"))["history"]]
    assert dates == ["2025-03-02", "2025-03-01"]
    assert (path.parent / "stats.json.bak").read_bytes() == original


@pytest.mark.parametrize(
    ("days", "said"),
    [(1, "the 1 day of its history was kept"), (2, "the 2 days of its history were kept")],
)
def test_a_file_with_only_a_bad_total_says_how_many_days_were_kept(
    git_repo: GitRepo, days: int, said: str
) -> None:
    path = two_days(git_repo)
    data = json.loads(path.read_text("utf-8"))
    data["history"] = data["history"][:days]
    data["current"]["word_count"] = float("inf")
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    run = CliRunner().invoke(cli_main, ["stats", "--today", TODAY, str(git_repo.path)])

    assert run.exit_code == 0, run.output
    assert said in " ".join(run.output.split())


@pytest.mark.parametrize(
    ("epoch", "said"),
    [
        ("253402300800", "SOURCE_DATE_EPOCH 253402300800 is outside the calendar"),  # 10000-01-01
        ("-62135596801", "SOURCE_DATE_EPOCH -62135596801 is outside the calendar"),  # year 0
        ("99999999999999999999", "SOURCE_DATE_EPOCH 99999999999999999999 is outside the calendar"),
        ("1e3", "SOURCE_DATE_EPOCH must be a whole number of seconds, not '1e3'"),
    ],
)
def test_a_source_date_epoch_outside_the_calendar_is_said_so(
    git_repo: GitRepo, epoch: str, said: str
) -> None:
    two_days(git_repo)

    run = CliRunner().invoke(
        cli_main, ["stats", "-q", str(git_repo.path)], env={"SOURCE_DATE_EPOCH": epoch}
    )

    assert run.exit_code == 2
    assert said in " ".join(run.output.split())
