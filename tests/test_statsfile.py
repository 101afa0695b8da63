"""The stats file's owner: exact bytes, atomic replacement, one reader, one validator."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from draftforge_stats.errors import StatsFileError
from draftforge_stats.statsfile import (
    ProjectInfo,
    Stats,
    atomic_write,
    check_stats,
    load_stats,
    read_stats_file,
    render,
    stats_errors,
    without_timestamps,
)
from draftforge_stats.validation import validate as validate_paths
from tests.builders import chapter, make_stats


def small_stats() -> Stats:
    return make_stats([chapter("chapters/01.md", "One", 3, 14, 12)])


def test_render_is_stable_two_space_json_with_final_newline() -> None:
    text = render(small_stats())
    assert text.endswith("}\n")
    assert text.startswith('{\n  "version": "1.0.0",\n  "counting_rules_version": 1,\n  "project"')
    assert list(json.loads(text)) == [
        "version",
        "counting_rules_version",
        "project",
        "current",
        "breakdown",
        "history",
        "streaks",
        "generated_by",
        "generated_at",
    ]
    assert render(small_stats()) == text


def test_render_keeps_non_ascii_readable() -> None:
    stats = small_stats().model_copy(update={"project": ProjectInfo(name="Le Cœur", type="novel")})
    assert '"name": "Le Cœur"' in render(stats)


def test_rendered_stats_validate_and_broken_ones_do_not() -> None:
    data = json.loads(render(small_stats()))
    assert stats_errors(data) == []
    data["current"]["word_count"] = -1
    data["unknown"] = True
    errors = stats_errors(data)
    assert errors == [
        "$: Additional properties are not allowed ('unknown' was unexpected)",
        "$.current.word_count: -1 is less than the minimum of 0",
    ]
    with pytest.raises(StatsFileError, match="nothing was written"):
        check_stats(data)


def test_without_timestamps_ignores_only_the_two_time_fields() -> None:
    a = json.loads(render(small_stats()))
    b = json.loads(render(small_stats()))
    b["generated_at"] = "2030-01-01T00:00:00Z"
    b["current"]["last_updated"] = "2030-01-01T00:00:00Z"
    assert without_timestamps(a) == without_timestamps(b)
    b["current"]["word_count"] = 4
    assert without_timestamps(a) != without_timestamps(b)


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / ".draftforge" / "stats.json"
    atomic_write(target, "first\n")
    assert target.read_text(encoding="utf-8") == "first\n"
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    atomic_write(target, "second\n")
    assert target.read_text(encoding="utf-8") == "second\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["stats.json"]


def test_atomic_write_failure_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "stats.json"
    target.write_text("old\n", encoding="utf-8")

    with pytest.raises(TypeError):
        atomic_write(target, 12345)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["stats.json"]


# ------------------------------------------------------------------ one validator, one reader


def test_the_check_before_writing_refuses_what_validate_refuses(tmp_path: Path) -> None:
    """`2025-02-30T10:00:00Z` is no date-time: both the check and `draftforge validate` say so."""
    data = json.loads(render(small_stats()))
    data["generated_at"] = "2025-02-30T10:00:00Z"
    assert stats_errors(data) == ["$.generated_at: '2025-02-30T10:00:00Z' is not a 'date-time'"]
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
        (b'{"version": "1.0.0"}', "it does not match the schema: $: 'project' is a required"),
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
