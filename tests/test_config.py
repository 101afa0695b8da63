"""`.draftforge/config.yml`: defaults, the full product structure, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from draftforge_stats.config import Config, load_config
from draftforge_stats.errors import ConfigError

FULL = """\
version: "1.0"
project: {name: "My Novel", type: novel, genre: fantasy, language: en, target_word_count: 80000}
structure: {chapters_directory: chapters, manuscript_directory: manuscript, assets_directory: assets}
agents: {continuity: {enabled: true, model: claude-3-5-sonnet, trigger: pr, context_window: 5, auto_comment: true},
         style: {enabled: true, model: gpt-4o-mini, trigger: commit, checks: [tense_consistency, pov_shifts, readability]},
         timeline: {enabled: false}, fact: {enabled: false}}
compilation: {pandoc_template: default, include_cover: true, auto_build_on_tag: true, formats: [epub, pdf]}
github_actions: {stats_enabled: true, compile_enabled: true, ai_review_enabled: true}
stats: {timezone: Europe/Paris, day_starts_at: 4, daily_goal: 500, include: ["chapters/**"], exclude: ["chapters/drafts/**"], count_code_blocks: true}
"""


def write_config(root: Path, text: str) -> Path:
    path = root / ".draftforge" / "config.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config()
    assert config.structure.chapters_directory == "chapters"
    assert config.structure.manuscript_directory == "manuscript"
    assert config.project.type == "novel"
    assert config.stats.day_starts_at == 0
    assert config.stats.count_code_blocks is False
    assert config.project_name(tmp_path) == tmp_path.name


def test_full_product_config(tmp_path: Path) -> None:
    write_config(tmp_path, FULL)
    config = load_config(tmp_path)
    assert config.project.name == "My Novel"
    assert config.project.target_word_count == 80000
    assert config.agents.style.checks == ("tense_consistency", "pov_shifts", "readability")
    assert config.agents.continuity.context_window == 5
    assert config.compilation.formats == ("epub", "pdf")
    assert config.stats.timezone == "Europe/Paris"
    assert config.stats.day_starts_at == 4
    assert config.stats.daily_goal == 500
    assert config.stats.include == ("chapters/**",)
    assert config.stats.exclude == ("chapters/drafts/**",)
    assert config.stats.count_code_blocks is True
    zone = config.stats.zone()
    assert zone is not None and zone.key == "Europe/Paris"
    assert config.source == ".draftforge/config.yml"


def test_every_problem_reported_with_line_and_path(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        "project:\n"
        "  name: Book\n"
        "  type: novell\n"
        "  target_word_count: -5\n"
        "stats:\n"
        "  timezone: Mars/Base\n"
        "structure:\n"
        "  chapter_directory: text\n",
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    problems = info.value.problems
    assert [(p.line, p.path) for p in problems] == [
        (3, "$.project.type"),
        (4, "$.project.target_word_count"),
        (6, "$.stats.timezone"),
        (8, "$.structure.chapter_directory"),
    ]
    assert all(p.file == ".draftforge/config.yml" for p in problems)
    assert "chapters_directory" in (problems[3].hint or "")
    assert "novel" in (problems[0].hint or "") + problems[0].message


def test_unknown_time_zone_is_a_config_error(tmp_path: Path) -> None:
    write_config(tmp_path, "stats:\n  timezone: Mars/Olympus_Mons\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    [problem] = info.value.problems
    assert (problem.line, problem.column, problem.path) == (2, 13, "$.stats.timezone")
    assert "Mars/Olympus_Mons" in problem.message
    assert "Europe/Paris" in (problem.hint or "")


def test_syntax_error_names_line(tmp_path: Path) -> None:
    write_config(tmp_path, "project:\n  name: [unclosed\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    [problem] = info.value.problems
    assert (problem.file, problem.line) == (".draftforge/config.yml", 3)
    assert str(info.value).splitlines()[0] == ".draftforge/config.yml is not valid YAML"


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    write_config(tmp_path, "project:\n  name: A\n  name: B\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    [problem] = info.value.problems
    assert problem.line == 3
    assert "name" in problem.message


def test_empty_config_file_gives_defaults(tmp_path: Path) -> None:
    write_config(tmp_path, "# nothing yet\n")
    assert load_config(tmp_path).structure.chapters_directory == "chapters"


def test_bytes_that_are_not_utf8_are_located(tmp_path: Path) -> None:
    """As `draftforge validate` reports them: the byte, its line and column."""
    path = write_config(tmp_path, "")
    path.write_bytes(b"project:\n  name: caf\xe9\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.column) == (".draftforge/config.yml", 2, 12)
    assert problem.message == "byte 20 (0xe9) is not valid UTF-8"
    assert problem.hint == "save the file as UTF-8"


@pytest.mark.parametrize("zone", ["America", "Europe", "Etc"])
def test_a_region_is_not_a_time_zone(tmp_path: Path, zone: str) -> None:
    """A folder of the zone database: it used to crash with IsADirectoryError."""
    write_config(tmp_path, f"stats:\n  timezone: {zone}\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    [problem] = info.value.problems
    assert (problem.line, problem.column) == (2, 13)
    assert problem.message == f"`{zone}` is not a known time zone"
