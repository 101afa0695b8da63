"""YAML that is small on disk and huge in memory: alias bombs ("billion laughs"), merge-key
bombs and values that contain themselves. Each is refused before anything walks it, with the
file, the line and the fix, in `stats`, `validate`, the Action and a chapter's front matter;
and no message ever carries a multi-megabyte value.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from draftforge_stats.counting import count_markdown
from draftforge_stats.errors import MAX_MESSAGE
from draftforge_stats.validation.documents import MAX_VALUES, SourceError, load_yaml
from tests.builders import FAILED_OUTPUTS
from tests.faultkit import action_world, cli, run_action
from tests.gitutil import GitRepo


def bomb(levels: int, under: str, indent: str = "  ") -> str:
    """Nine-fold aliases, `levels` deep (9**levels values), used at `under` (a key path)."""
    lines = ['version: "1.0"', "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        alias = f"*a{level - 1}"
        lines.append(f"x{level}: &a{level} [{', '.join([alias] * 9)}]")
    keys = under.split(".")
    for depth, key in enumerate(keys[:-1]):
        lines.append(f"{indent * depth}{key}:")
    lines.append(f"{indent * (len(keys) - 1)}{keys[-1]}: [*a{levels - 1}]")
    return "\n".join(lines) + "\n"


BOMB_LINE = 7  # `x5: &a5 [...]`: 9**6 = 531,441 values, the first past 100,000


def project(tmp_path: Path, config: str) -> Path:
    root = tmp_path / "book"
    (root / ".draftforge").mkdir(parents=True)
    (root / "chapters").mkdir()
    (root / "chapters/01.md").write_text("One two.\n", encoding="utf-8")
    (root / ".draftforge/config.yml").write_text(config, encoding="utf-8")
    return root


def test_the_bomb_is_small_on_disk() -> None:
    text = bomb(9, "stats.include")
    assert len(text.encode()) < 600  # 9**9 = 387,420,489 values once expanded


@pytest.mark.parametrize(
    "under", ["stats.include", "stats.exclude", "agents.style.checks", "compilation.formats",
              "project.name", "unknown"]
)  # fmt: skip
def test_stats_refuses_a_config_bomb_at_its_line(tmp_path: Path, under: str) -> None:
    root = project(tmp_path, bomb(9, under))

    result = cli("stats", str(root), "--no-write")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: .draftforge/config.yml is too large to read",
        f"  .draftforge/config.yml:{BOMB_LINE}:5: $: with its aliases expanded, this value "
        "holds more than 100,000 values (write the values out, or reuse fewer values through "
        "aliases like `*name`)",
    ]


def test_validate_refuses_a_metadata_bomb_under_categories(tmp_path: Path) -> None:
    root = project(tmp_path, 'version: "1.0"\n')
    (root / "manuscript").mkdir()
    metadata = bomb(9, "categories").replace('version: "1.0"\n', "title: A Book\n")
    (root / "manuscript/metadata.yml").write_text(metadata, encoding="utf-8")

    result = cli("validate", str(root), "--format", "json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [(p["line"], p["column"], p["message"]) for p in report["problems"]] == [
        (BOMB_LINE, 5, "with its aliases expanded, this value holds more than 100,000 values"),
    ]
    assert report["problems"][0]["file"].endswith("book/manuscript/metadata.yml")


def test_the_action_reports_a_config_bomb(
    tmp_path: Path, bare_remote: Path, git_repo: GitRepo
) -> None:
    git_repo.commit(
        "Start",
        files={".draftforge/config.yml": bomb(9, "stats.include"), "chapters/01.md": "One.\n"},
    )
    world = action_world(tmp_path, bare_remote, git_repo)

    run = run_action(world)

    assert run.code == 1
    assert run.output_values() == FAILED_OUTPUTS
    # one annotation at the problem's place, as `validate --format github` gives it
    assert run.lines()[-2:] == [
        f"::error file=.draftforge/config.yml,line={BOMB_LINE},col=5,title=draftforge "
        "validate%3A $::with its aliases expanded, this value holds more than 100,000 values"
        "%0Ahint: write the values out, or reuse fewer values through aliases like `*name`",
        ".draftforge/config.yml is too large to read",
    ]


def test_a_value_that_contains_itself_is_refused() -> None:
    with pytest.raises(SourceError) as caught:
        load_yaml("a: 1\nb: &loop [x, *loop]\n", "config.yml")
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (2, 4)
    assert problem.message == "an alias refers to a value that contains it, so the value never ends"


def test_a_merge_key_bomb_is_refused() -> None:
    lines = ["m0: &m0 {a: 1, b: 2, c: 3}"]
    for level in range(1, 40):
        lines.append(f"m{level}: &m{level} {{<<: [*m{level - 1}, *m{level - 1}], k{level}: 1}}")
    with pytest.raises(SourceError) as caught:
        load_yaml("\n".join(lines) + "\n", "metadata.yml")
    # m(k) holds 5 + 2 * m(k - 1) values, m0 7: m13 98,299, m14 (line 15) 196,603.
    assert caught.value.problems[0].line == 15


def test_every_use_of_an_alias_counts_and_under_the_bound_is_read() -> None:
    # x3 holds 1 + 9 * (1 + 9 * (1 + 9 * 10)) = 7,381 values; used twice (x3 and the include)
    # with x0..x2, the keys and the version, the document holds 15,694: read.
    doc = load_yaml(bomb(4, "stats.include"), "config.yml")
    assert len(doc.data["stats"]["include"][0]) == 9
    # x4 holds 66,430; used twice, the document passes MAX_VALUES: refused at its root.
    assert MAX_VALUES < 2 * 66_430
    with pytest.raises(SourceError) as caught:
        load_yaml(bomb(5, "stats.include"), "config.yml")
    assert (caught.value.problems[0].line, caught.value.problems[0].column) == (1, 1)


def test_a_bomb_in_front_matter_gives_no_title_and_the_words_count() -> None:
    front = bomb(9, "title").replace('version: "1.0"\n', "")
    counts = count_markdown(f"---\n{front}---\n\n# Chapter One\n\nThree more words.\n")
    assert (counts.words, counts.title) == (5, "Chapter One")


def test_no_message_carries_a_huge_value(tmp_path: Path) -> None:
    huge = "x" * 1_000_000  # two of them: a 2 MB config, under the 5 MB bound
    root = project(tmp_path, f'version: "1.0"\nproject:\n  type: "{huge}"\n  name: [{huge}]\n')

    result = cli("validate", str(root), "--format", "json")

    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert {p["path"] for p in problems} >= {"$.project.type", "$.project.name"}
    assert all(len(p["message"]) <= MAX_MESSAGE for p in problems)
    assert all(len(p["hint"] or "") <= MAX_MESSAGE for p in problems)
    assert len(result.stdout) < 5_000


def test_aliases_that_nest_deep_values_in_deep_values_are_refused() -> None:
    # Each value is 90 lists deep (allowed); the alias puts the one before inside it.
    lines = [
        f"l{k}: &a{k} " + "[" * 90 + (f"*a{k - 1}" if k else "x") + "]" * 90 for k in range(30)
    ]
    with pytest.raises(SourceError) as caught:
        load_yaml("\n".join(lines) + "\n", "config.yml")
    problem = caught.value.problems[0]
    assert problem.message == (
        "with its aliases expanded, this value is nested more than 100 levels deep"
    )
    assert problem.line == 2  # l1: 90 lists around l0's 90
    # 100 levels (the top mapping, 50 lists, then the 49 of `a`) are fine.
    flat = "a: &a " + "[" * 49 + "x" + "]" * 49 + "\nb: " + "[" * 50 + "*a" + "]" * 50 + "\n"
    assert load_yaml(flat, "config.yml").data["a"] is not None
