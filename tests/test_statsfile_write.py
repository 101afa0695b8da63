"""Writing the stats file: exact bytes, atomic replacement, nothing half-written."""

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
    render,
    stats_errors,
    without_timestamps,
)
from tests.builders import chapter, make_stats


def small_stats() -> Stats:
    return make_stats([chapter("chapters/01.md", "One", 3, 14, 12)])


def test_render_is_stable_two_space_json_with_final_newline() -> None:
    text = render(small_stats())
    assert text.endswith("}\n")
    assert text.startswith('{\n  "version": "1.1.0",\n  "counting_rules_version": 2,\n  "project"')
    assert list(json.loads(text)) == [
        "version",
        "counting_rules_version",
        "project",
        "current",
        "breakdown",
        "history",
        "streaks",
        "goal",
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
    # The data given is left as it is: its timestamps are still there.
    assert b["generated_at"] == b["current"]["last_updated"] == "2030-01-01T00:00:00Z"
    assert "generated_at" not in without_timestamps(b)
    assert "last_updated" not in without_timestamps(b)["current"]
    assert without_timestamps({"current": 3, "generated_at": "x"}) == {"current": 3}


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
