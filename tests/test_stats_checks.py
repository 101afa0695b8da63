"""The stats file's checks on the push update: the same validator as `draftforge validate`,
never run twice on the same bytes, and only on the history entries not already checked."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from draftforge_stats import __version__
from draftforge_stats.errors import StatsFileError
from draftforge_stats.pipeline import run_stats
from draftforge_stats.statsfile import CHECKED_FILE, CheckedFiles, check_stats, stats_errors
from draftforge_stats.statsfile import checked as checked_module
from draftforge_stats.validation.schemas import schema_text, validator_for
from tests.gitutil import GitRepo

NOW = datetime(2025, 12, 1, 12, 0, tzinfo=UTC)
STATS = Path(".draftforge") / "stats.json"


def _digest(raw: bytes) -> str:
    """The record's digest, worked out from its definition: version, schema text, bytes."""
    prefix = hashlib.sha256(f"{__version__}\0{schema_text('stats.schema.json')}".encode())
    return hashlib.sha256(prefix.digest() + raw).hexdigest()


def _two_days(git_repo: GitRepo) -> dict[str, Any]:
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": "one two\n"})
    git_repo.commit("b", "2025-05-02T09:00:00+00:00", files={"chapters/01.md": "one two 3\n"})
    run_stats(git_repo.path, now=NOW)
    data: dict[str, Any] = json.loads((git_repo.path / STATS).read_text("utf-8"))
    return data


def test_the_stats_file_is_checked_by_the_validate_commands_validator() -> None:
    data = {"history": [{"date": "2025-02-30"}]}
    assert stats_errors(data) == [
        f"{e.json_path}: {e.message}"
        for e in sorted(
            validator_for("stats.schema.json").iter_errors(data), key=lambda e: list(e.path)
        )
    ]


def test_a_written_file_is_recorded_as_checked(git_repo: GitRepo) -> None:
    _two_days(git_repo)
    raw = (git_repo.path / STATS).read_bytes()
    record = git_repo.path / ".git" / CHECKED_FILE
    assert record.read_text("ascii").split() == [_digest(raw)]
    assert raw in CheckedFiles(record)
    assert raw + b" " not in CheckedFiles(record)


def test_no_write_records_nothing(git_repo: GitRepo) -> None:
    git_repo.commit("a", "2025-05-01T09:00:00+00:00", files={"chapters/01.md": "one two\n"})
    run_stats(git_repo.path, now=NOW, write=False)
    assert not (git_repo.path / ".git" / CHECKED_FILE).exists()


def test_the_record_keeps_the_last_eight_files(tmp_path: Path) -> None:
    record = tmp_path / "checked-stats"
    checked = CheckedFiles(record)
    for n in range(10):
        checked.add(b"%d" % n)
    assert record.read_text("ascii").split() == [_digest(b"%d" % n) for n in range(2, 10)]
    assert b"1" not in CheckedFiles(record) and b"2" in CheckedFiles(record)


def test_a_damaged_record_only_means_checking_again(tmp_path: Path) -> None:
    record = tmp_path / "checked-stats"
    record.write_bytes(b"\xff\xfe not a digest")
    assert b"{}" not in CheckedFiles(record)


def test_a_hand_edited_file_is_checked_again(git_repo: GitRepo) -> None:
    data = _two_days(git_repo)
    data["history"][0]["commits"] = 0
    (git_repo.path / STATS).write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    result = run_stats(git_repo.path, now=NOW)
    assert "$.history[0].commits: 0 is less than the minimum of 1" in result.warnings[0]
    assert (git_repo.path / ".draftforge/stats.json.bak").exists()


def test_entries_already_checked_are_not_checked_again(git_repo: GitRepo) -> None:
    data = _two_days(git_repo)
    stored = [dict(entry) for entry in data["history"]]
    broken = {**stored[0], "commits": 0}
    data["history"] = [broken, *stored]
    # The broken entry is caught unless it is itself among the entries known to be valid.
    valid = {**data, "history": stored}
    with pytest.raises(StatsFileError, match=r"\$\.history\[0\]\.commits: 0 is less than"):
        check_stats(data, valid)
    # What the schema still checks: only the entries the valid data does not have.
    assert checked_module.schema_part(data, valid)["history"] == [broken]
    assert checked_module.schema_part(data, data)["history"] == []
    assert checked_module.schema_part(data, None) is data


def test_an_error_names_its_place_in_the_whole_file(git_repo: GitRepo) -> None:
    data = _two_days(git_repo)
    stored = [dict(entry) for entry in data["history"]]
    valid = {**data, "history": stored}
    data["history"] = [*stored, {**stored[1], "date": "2025-13-01"}]
    with pytest.raises(StatsFileError, match=r"\$\.history\[2\]\.date: "):
        check_stats(data, valid)


def test_breakdown_entries_already_checked_are_not_checked_again(git_repo: GitRepo) -> None:
    data = _two_days(git_repo)
    valid = json.loads(json.dumps(data))
    chapter = data["breakdown"]["chapters"][0]
    chapter["word_count"] = -1
    with pytest.raises(
        StatsFileError, match=r"\$\.breakdown\.chapters\[0\]\.word_count: -1 is less than"
    ):
        check_stats(data, valid)
    valid["breakdown"]["chapters"].append(dict(chapter))
    assert checked_module.schema_part(data, valid)["breakdown"]["chapters"] == []


def test_every_entry_array_is_checked_entry_by_entry() -> None:
    """The schema has no rule across entries, so skipping known entries is exact."""
    assert checked_module.checked_per_entry() == (
        ("history",),
        ("breakdown", "chapters"),
        ("breakdown", "manuscript"),
    )
