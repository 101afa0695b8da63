"""The stats file's owner: one reader with its rules, and the check of `draftforge validate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from draftforge_stats.errors import StatsFileError
from draftforge_stats.statsfile import (
    check_stats,
    load_stats,
    read_stats_file,
    render,
    stats_errors,
)
from draftforge_stats.validation import validate as validate_paths
from tests.test_statsfile_write import small_stats


def test_the_check_before_writing_refuses_what_validate_refuses(tmp_path: Path) -> None:
    """`2025-02-30T10:00:00Z` is no date-time: both the check and `draftforge validate` say so."""
    data = json.loads(render(small_stats()))
    data["generated_at"] = "2025-02-30T10:00:00Z"
    assert [error.split(": ", 1)[0] for error in stats_errors(data)] == ["$.generated_at"]
    with pytest.raises(StatsFileError, match="nothing was written"):
        check_stats(data)
    path = tmp_path / ".draftforge" / "stats.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data), encoding="utf-8")
    [result] = validate_paths([path]).files
    assert [p.path for p in result.problems if p.severity == "error"] == ["$.generated_at"]


def test_the_check_before_writing_applies_the_stats_rules() -> None:
    data = json.loads(render(small_stats()))
    data["current"]["chapter_count"] = 2
    assert stats_errors(data) == [
        "$.current.chapter_count: `chapter_count` is 2, but the breakdown lists 1 chapter"
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, None),
        (b"\xff{}", "byte 0 is not UTF-8"),
        (b'{"version": ', "it is not valid JSON"),
        (b'{"version": "2.0.0"}', "it was written in a newer format, version 2.0.0"),
        (b'{"version": "1.0.0"}', "it does not match the schema: $: "),
    ],
)
def test_the_one_reader_says_why_a_file_cannot_be_used(
    tmp_path: Path, content: bytes | None, problem: str | None
) -> None:
    path = tmp_path / "stats.json"
    if content is not None:
        path.write_bytes(content)
    found = read_stats_file(path)
    assert found.raw == content
    if problem is None:
        assert found.problem is None and found.stats() is None and load_stats(path) is None
    else:
        assert found.problem is not None and found.problem.startswith(problem)
        assert load_stats(path) is None


def test_the_one_reader_reads_a_good_file(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    path.write_text(render(small_stats()), encoding="utf-8")
    found = read_stats_file(path)
    assert found.problem is None and found.usable
    assert load_stats(path) == small_stats()
