"""Goal settings (`stats.deadline`, `writing_days`, `chapter_targets`): the config, its checks,
and the `goal` and chapter targets a stats run writes. Calendar: 2026-03-02 is a Monday."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from draftforge_stats.config import parse_config
from draftforge_stats.errors import ConfigError
from draftforge_stats.pipeline import run_stats
from draftforge_stats.statsfile import TargetInfo, stats_errors
from draftforge_stats.validation import validate as validate_paths
from tests.gitutil import GitRepo

NOW = datetime(2026, 3, 16, 18, 0, tzinfo=UTC)


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n) + "\n"


def test_goal_settings_are_read() -> None:
    config = parse_config(
        "stats:\n  deadline: 2026-03-31\n  writing_days: [monday, friday]\n"
        "  chapter_targets: {chapters/01.md: 3000}\n",
        "config.yml",
    )
    assert config.stats.deadline == date(2026, 3, 31)
    assert config.stats.writing_days == ("monday", "friday")
    assert config.stats.chapter_targets == {"chapters/01.md": 3000}
    quoted = parse_config('stats:\n  deadline: "2026-03-31"\n', "config.yml")
    assert quoted.stats.deadline == date(2026, 3, 31)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("stats:\n  deadline: 2026-02-30\n", (2, 13), "`2026-02-30` is not a real date"),
        ('stats:\n  deadline: "31/03/2026"\n', (2, 13), "`31/03/2026` is not allowed here"),
        ("stats:\n  writing_days: [monday, funday]\n", (2, 26), "`funday` is not one of"),
        ("stats:\n  writing_days: []\n", (2, 17), "must not be empty"),
        (
            "stats:\n  writing_days: [monday, monday]\n",
            (2, 26),
            "`monday` is listed more than once",
        ),
        ("stats:\n  writing_days: [Monday]\n", (2, 18), "`Monday` is not one of the allowed"),
        ("stats:\n  writing_days: monday\n", (2, 17), "expected a list, got a string"),
        (
            "stats:\n  chapter_targets: {chapters/a.md: 100000001}\n",
            (2, 36),
            "must be at most 100000000",
        ),
        ("stats:\n  chapter_targets: {chapters/a.md: 0}\n", (2, 36), "must be at least 1, got 0"),
        # What YAML makes of other unquoted values is none of the JSON types either: not a day.
        (
            "stats:\n  deadline: 2026-03-31 10:00:00\n",
            (2, 13),
            "`stats.deadline` is a date and time, not a day",
        ),
        ("stats:\n  deadline: !!binary aGVsbG8=\n", (2, 13), "`stats.deadline` is binary data"),
        ("stats:\n  deadline: !!set {a: null}\n", (2, 13), "`stats.deadline` is a set, not a day"),
        (
            "stats:\n  chapter_targets: {../a.md: 5}\n",
            (2, 20),
            "`../a.md` is not a valid relative file",
        ),
    ],
)
def test_bad_goal_settings_are_config_errors(
    text: str, where: tuple[int, int], message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, "config.yml")
    [problem] = error.value.problems
    assert (problem.line, problem.column) == where
    assert message in problem.message


def test_validate_warns_about_goal_settings_without_effect(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / ".draftforge").mkdir(parents=True)
    (root / "chapters").mkdir()
    (root / "manuscript").mkdir()
    (root / "chapters" / "01.md").write_text("Text.\n", encoding="utf-8")
    (root / ".draftforge" / "config.yml").write_text(
        "stats:\n  deadline: 2026-03-31\n  chapter_targets:\n    chapters/01.md: 10\n"
        "    chapters/02.md: 10\n",
        encoding="utf-8",
    )
    result = validate_paths([root / ".draftforge" / "config.yml"], base=root)
    assert [(p.severity, p.line, p.path, p.message) for p in result.problems] == [
        (
            "warning",
            2,
            "$.stats.deadline",
            "a deadline without `project.target_word_count` has no effect",
        ),
        (
            "warning",
            5,
            '$.stats.chapter_targets["chapters/02.md"]',
            "`chapters/02.md` is not a file of the project",
        ),
    ]
    assert not result.failed(strict=False)


def test_a_run_writes_the_goal_and_chapter_targets(git_repo: GitRepo) -> None:
    git_repo.write(
        ".draftforge/config.yml",
        "project:\n  target_word_count: 1000\nstats:\n  deadline: 2026-03-31\n"
        "  writing_days: [monday, tuesday, wednesday, thursday, friday]\n"
        "  chapter_targets: {chapters/02.md: 30}\n",
    )
    front = "---\ntitle: One\ntarget_words: 100\n---\n"
    git_repo.commit(
        "start", "2026-03-02T12:00:00+00:00", files={"chapters/01.md": front + words(50)}
    )
    git_repo.commit(
        "more",
        "2026-03-10T12:00:00+00:00",
        files={"chapters/01.md": front + words(60), "chapters/02.md": words(40, "other")},
    )
    result = run_stats(git_repo.path, now=NOW, today=date(2026, 3, 16))
    data = json.loads(result.text)
    assert stats_errors(data) == []
    assert data["version"] == "1.1.0"
    assert data["goal"] == {
        "target_word_count": 1000,
        "deadline": "2026-03-31",
        "words_remaining": 900,
        "days_remaining": 12,  # 16-20, 23-27, 30 and 31 March
        "words_per_day_needed": 75,
        "par": 502,  # 50 + 950 * 10 // 21
        "ahead_by": -402,
        "recent_pace": 5,  # 50 words added on March 10, over 10 writing days
        "projected_finish": "2026-11-20",  # 900 / 5 = 180 writing days = 36 weeks
    }
    chapters = {c.file: c.target for c in result.stats.breakdown.chapters}
    assert chapters == {
        "chapters/01.md": TargetInfo(words=100, percent=60.0, overrun=False),  # front matter
        "chapters/02.md": TargetInfo(words=30, percent=133.3, overrun=True),  # config
    }


def test_without_a_target_there_is_no_goal_and_no_chapter_target(git_repo: GitRepo) -> None:
    git_repo.commit("start", "2026-03-02T12:00:00+00:00", files={"chapters/01.md": words(5)})
    result = run_stats(git_repo.path, now=NOW)
    data = json.loads(result.text)
    assert data["goal"] is None
    assert "target" not in data["breakdown"]["chapters"][0]
