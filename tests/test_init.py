"""`draftforge init`: a new project that validates and counts from its first commit."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from jsonschema.validators import validator_for

from draftforge_stats.cli import init_cmd, main
from draftforge_stats.cli.init_cmd import init
from draftforge_stats.scaffold import (
    PROJECT_TYPES,
    TYPE_DEFAULTS,
    InitError,
    InitOptions,
    render_project,
)
from draftforge_stats.validation import validate as validate_paths
from draftforge_stats.validation.documents import load_yaml
from draftforge_stats.validation.schemas import SCHEMA_NAMES, schema_text
from tests.gitutil import GitRepo

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = ".github/workflows/draftforge-stats.yml"
NOW = datetime(2025, 10, 29, 14, 30, tzinfo=UTC)

EXPECTED_FILES = [
    ".draftforge/config.yml",
    *(f".draftforge/schemas/{name}" for name in sorted(SCHEMA_NAMES)),
    WORKFLOW,
    "chapters/01-chapter-one.md",
    "manuscript/metadata.yml",
]


def run_init(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(init, list(args), input=input, catch_exceptions=False)


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def assert_valid(root: Path) -> None:
    result = validate_paths([root], base=root)
    assert [str(p) for p in result.problems] == []
    assert not result.failed(strict=True)


class _GitHubYaml(yaml.SafeLoader):
    """YAML as GitHub reads it: only true/false are booleans, so `on:` stays a string."""


_GitHubYaml.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_resolver: Any = _GitHubYaml  # typed from types-PyYAML 6.0.12.2026 only
_resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def github_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_GitHubYaml)  # a SafeLoader subclass


def vendored_errors(schema_file: str, instance: Any) -> list[str]:
    """Problems against a GitHub schema as check-jsonschema vendors it."""
    vendor = files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads(vendor.joinpath(schema_file).read_text(encoding="utf-8"))
    validator = validator_for(schema)(schema)
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(instance)]


# ---------------------------------------------------------------------------- init


def test_init_into_an_empty_folder(tmp_path: Path) -> None:
    root = tmp_path / "The Glass Orchard"
    result = run_init(str(root))
    assert result.exit_code == 0, result.output
    assert files_under(root) == sorted(EXPECTED_FILES)
    assert "Created 8 files" in result.output
    config_text = (root / ".draftforge" / "config.yml").read_text(encoding="utf-8")
    assert (
        config_text.splitlines()[0] == "# yaml-language-server: $schema=./schemas/config.schema.yml"
    )
    config = load_yaml(config_text, "config.yml").data
    assert config["project"] == {
        "name": "The Glass Orchard",  # the folder's name
        "type": "novel",
        "language": "en",
        "target_word_count": 80000,
    }
    assert "stats" not in config  # left commented out
    assert "# stats:" in config_text
    metadata = (root / "manuscript" / "metadata.yml").read_text(encoding="utf-8")
    assert metadata.startswith(
        "# yaml-language-server: $schema=../.draftforge/schemas/metadata.schema.yml\n"
    )
    assert_valid(root)


def test_the_schema_comments_point_at_the_copies(tmp_path: Path) -> None:
    run_init(str(tmp_path))
    for relative in (".draftforge/config.yml", "manuscript/metadata.yml"):
        first = (tmp_path / relative).read_text(encoding="utf-8").splitlines()[0]
        target = first.split("$schema=", 1)[1]
        assert ((tmp_path / relative).parent / target).resolve().is_file()
    for name in SCHEMA_NAMES:
        copy = tmp_path / ".draftforge" / "schemas" / name
        assert copy.read_text(encoding="utf-8") == schema_text(name)


def test_the_scaffolds_hold_no_copy_of_the_schemas() -> None:
    assert not [p for p in (REPO / "scaffolds").rglob("*schema*") if p.is_file()]


def test_init_leaves_existing_files_alone(tmp_path: Path) -> None:
    (tmp_path / ".draftforge").mkdir()
    mine = 'project:\n  name: "Mine"\n  type: poetry\n'
    (tmp_path / ".draftforge" / "config.yml").write_text(mine, encoding="utf-8")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "01-chapter-one.md").write_text("# Mine\n\nMy words.\n")
    result = run_init(str(tmp_path), "--name", "Other")
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".draftforge" / "config.yml").read_text(encoding="utf-8") == mine
    assert (tmp_path / "chapters" / "01-chapter-one.md").read_text() == "# Mine\n\nMy words.\n"
    assert "Created 6 files" in result.output
    left_alone = result.output.split("Left alone 2 existing files:", 1)[1].split()
    assert left_alone[:2] == [".draftforge/config.yml", "chapters/01-chapter-one.md"]
    assert files_under(tmp_path) == sorted(EXPECTED_FILES)
    assert_valid(tmp_path)
    again = run_init(str(tmp_path))
    assert again.exit_code == 0
    assert "Nothing to do: every file is already there." in again.output


@pytest.mark.parametrize("project_type", PROJECT_TYPES)
def test_each_project_type(tmp_path: Path, project_type: str) -> None:
    result = run_init(str(tmp_path), "--type", project_type, "--name", "Work")
    assert result.exit_code == 0, result.output
    config = load_yaml((tmp_path / ".draftforge/config.yml").read_text(), "c.yml").data
    assert config["project"]["type"] == project_type
    assert config["project"]["target_word_count"] == TYPE_DEFAULTS[project_type].target
    assert config["compilation"]["formats"] == list(TYPE_DEFAULTS[project_type].formats)
    chapter = (tmp_path / "chapters" / "01-chapter-one.md").read_text(encoding="utf-8")
    novel = render_project(InitOptions(name="Work"))["chapters/01-chapter-one.md"]
    assert (chapter == novel) == (project_type == "novel")
    assert_valid(tmp_path)


@pytest.mark.parametrize("project_type", PROJECT_TYPES)
def test_what_init_makes_passes_draftforge_stats(git_repo: GitRepo, project_type: str) -> None:
    from draftforge_stats.pipeline import run_stats

    run_init(str(git_repo.path), "--type", project_type, "--name", "Work")
    git_repo.commit("Start the project", "2025-10-29T10:00:00+00:00")
    stats = run_stats(git_repo.path, now=NOW, write=True)
    assert stats.warnings == []
    assert stats.stats.current.chapter_count == 1
    assert stats.stats.current.word_count > 0
    assert_valid(git_repo.path)  # now with the stats file too
    assert (git_repo.path / ".draftforge" / "stats.json").is_file()


def test_options_are_written(tmp_path: Path) -> None:
    name = 'Tom: "Quoted" # not a comment'
    result = run_init(
        str(tmp_path),
        "--name",
        name,
        "--target",
        "123456",
        "--genre",
        "sci-fi: hard",
        "--language",
        "pt-BR",
    )
    assert result.exit_code == 0, result.output
    config = load_yaml((tmp_path / ".draftforge/config.yml").read_text(), "c.yml").data
    assert config["project"] == {
        "name": name,
        "type": "novel",
        "genre": "sci-fi: hard",
        "language": "pt-BR",
        "target_word_count": 123456,
    }
    metadata = load_yaml((tmp_path / "manuscript/metadata.yml").read_text(), "m.yml").data
    assert metadata["title"] == name
    assert_valid(tmp_path)


@pytest.mark.parametrize(
    "args",
    [
        ["--type", "novella"],
        ["--target", "0"],
        ["--target", "80k"],
        ["--language", "english"],
        ["--name", "  "],
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    result = run_init(str(tmp_path / "new"), *args)
    assert result.exit_code == 2
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--target", "100000001"], "--target"),
        (["--name", "n" * 201], "--name"),
        (["--genre", "g" * 101], "--genre"),
    ],
)
def test_values_the_schema_refuses_are_usage_errors(
    tmp_path: Path, args: list[str], said: str
) -> None:
    result = run_init(str(tmp_path / "new"), *args)
    assert result.exit_code == 2, result.output
    # One error, the last thing printed (no traceback after it).
    assert result.output.splitlines()[-1].startswith(f"Error: Invalid value for '{said}'")
    assert not (tmp_path / "new").exists()


def test_a_file_in_the_way_of_a_folder(tmp_path: Path) -> None:
    """A file `chapters` where the folder should be: an error, not "left alone"."""
    (tmp_path / "chapters").write_text("not a folder")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        "error: cannot make the project here, these must be folders: `chapters` (a file); "
        "move them out of the way, then run `draftforge init` again\n"
    )
    assert files_under(tmp_path) == ["chapters"]  # nothing written


def test_a_file_is_not_a_project_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert run_init(str(tmp_path / "file")).exit_code == 2


def test_asks_nothing_without_a_terminal(tmp_path: Path) -> None:
    # CliRunner's standard input is not a terminal: a prompt would hit end of input.
    result = run_init(str(tmp_path / "quiet"), input="")
    assert result.exit_code == 0, result.output
    # Straight to the result: the first line is what was made, not a question.
    assert result.output.splitlines()[:2] == [
        f"Created 8 files in {tmp_path / 'quiet'}:",
        "  .draftforge/config.yml",
    ]


def test_asks_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(init_cmd, "_interactive", lambda: True)
    result = run_init(
        str(tmp_path / "asked"), "--genre", "sonnets", input="My Poems\npoetry\n\nenglish\nfr\n"
    )
    assert result.exit_code == 0, result.output
    # Every question, in order; the genre was given as an option, so it is not asked.
    assert result.output.splitlines()[:7] == [
        "Project name [asked]: My Poems",
        "Project type (novel, screenplay, technical-book, non-fiction, poetry, short-story)"
        " [novel]: poetry",
        "Target word count [10000]: ",
        "Language [en]: english",
        "`english` is not a language tag such as en, fr or pt-BR.",
        "Language [en]: fr",
        f"Created 8 files in {tmp_path / 'asked'}:",
    ]
    config = load_yaml((tmp_path / "asked/.draftforge/config.yml").read_text(), "c").data
    assert config["project"] == {
        "name": "My Poems",
        "type": "poetry",
        "genre": "sonnets",
        "language": "fr",
        "target_word_count": TYPE_DEFAULTS["poetry"].target,
    }


def test_render_refuses_options_that_would_not_validate() -> None:
    with pytest.raises(InitError) as error:
        render_project(InitOptions(name="x", language="not a tag"))
    assert [p.path for p in error.value.problems] == ["$.project.language"]


# ---------------------------------------------------------------------------- GitHub


def test_the_workflow_matches_githubs_schema(tmp_path: Path) -> None:
    run_init(str(tmp_path))
    workflow = github_yaml(tmp_path / WORKFLOW)
    assert vendored_errors("github-workflows.json", workflow) == []
    assert "push" in workflow["on"]
    assert workflow["permissions"] == {"contents": "write"}
    assert workflow["concurrency"]["group"].startswith("draftforge-stats-")
    [job] = workflow["jobs"].values()
    assert "default_branch" in job["if"]
    checkout, action = job["steps"]
    assert checkout == {
        "uses": "actions/checkout@v5",  # Node 24: runners no longer ship v4's Node 20
        "with": {"persist-credentials": False, "fetch-depth": 0},  # the action has its token
    }
    assert action["uses"] == "draftforge/stats-action@v1"
    assert set(action["with"]) == {"token", "api-url", "api-token", "webhook-secret"}
    for key in ("token", "api-token", "webhook-secret"):
        assert re.fullmatch(r"\$\{\{ secrets\.[A-Z_]+ \}\}", action["with"][key])


def test_action_yml_matches_githubs_schema() -> None:
    action = REPO / "action.yml"
    if not action.is_file():
        pytest.skip("action.yml is not written yet")
    data = github_yaml(action)
    assert vendored_errors("github-actions.json", data) == []
    workflow_inputs = {"token", "api-url", "api-token", "webhook-secret"}
    assert workflow_inputs <= set(data.get("inputs", {}))
