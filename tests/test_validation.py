"""`draftforge validate`: which files, every problem with its place, the formats, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from draftforge_stats.cli.validate_cmd import default_format, validate
from draftforge_stats.discover import project_folder
from draftforge_stats.errors import Problem
from draftforge_stats.validation import (
    FileKind,
    UnknownFileKindError,
    ValidationResult,
    kind_of,
    project_files,
    validate_file,
)
from draftforge_stats.validation import validate as validate_paths
from draftforge_stats.validation.reporters import github_command, json_report, summary_line
from draftforge_stats.validation.rules import agent_run_file_name, isbn_check_digit, isbn_problem

REPO = Path(__file__).resolve().parent.parent
CASES = Path(__file__).parent / "data" / "schema_cases"
KINDS = {
    "config.schema.yml": FileKind.CONFIG,
    "metadata.schema.yml": FileKind.METADATA,
    "agent-run.schema.json": FileKind.AGENT_RUN,
    "stats.schema.json": FileKind.STATS,
}

PRODUCT_RUN = (CASES / "agent-run.schema.json" / "valid").joinpath(
    "2025-10-29_14-30-00_continuity_pr-123.json"
)


def _cases(kind: str) -> Sequence[object]:  # pytest.ParameterSet is public from 9.2 only
    params = []
    for schema_dir in sorted(CASES.iterdir()):
        for path in sorted((schema_dir / kind).glob("*")):
            if path.suffix in {".yml", ".json"}:
                params.append(
                    pytest.param(KINDS[schema_dir.name], path, id=f"{schema_dir.name}/{path.name}")
                )
    return params


@pytest.mark.parametrize(("kind", "path"), _cases("valid"))
def test_valid_cases_have_no_errors(kind: FileKind, path: Path) -> None:
    """The product's own examples pass every check, not only the schema."""
    result = validate_file(path, kind, display=path.name)
    assert [str(p) for p in result.errors] == []


@pytest.mark.parametrize(("kind", "path"), _cases("semantic"))
def test_semantic_cases(kind: FileKind, path: Path) -> None:
    """Checks beyond the schema, with exact positions: ``<case>.expected`` lists them."""
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    result = validate_file(path, kind, display=path.name, project_root=None)
    rendered = [f"{p.severity}: " + str(p).removeprefix(f"{p.file}:") for p in result.problems]
    assert rendered == [line for line in expected if line]


def test_isbn_check_digit_names_the_expected_digit() -> None:
    found = isbn_problem("978-0-123456-78-9")
    assert found is not None
    assert found[0] == "`978-0-123456-78-9` has a wrong check digit: expected 6, got 9"
    assert isbn_problem("978-0-306-40615-7") is None
    assert isbn_problem("0-306-40615-2") is None
    assert isbn_problem("0 8044 2957 X") is None
    assert isbn_problem("9791032305690") is None
    assert isbn_check_digit("030640615") == "2"
    assert isbn_check_digit("080442957") == "X"
    assert isbn_check_digit("978030640615") == "7"
    with pytest.raises(ValueError):
        isbn_check_digit("12")


def test_agent_run_file_name() -> None:
    data = json.loads(PRODUCT_RUN.read_text(encoding="utf-8"))
    assert agent_run_file_name(data) == PRODUCT_RUN.name
    data["timestamp"] = "2025-10-29T16:30:00+02:00"
    assert agent_run_file_name(data) == PRODUCT_RUN.name  # named in UTC
    del data["trigger_ref"]
    assert agent_run_file_name(data) == "2025-10-29_14-30-00_continuity_pr.json"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (".draftforge/config.yml", FileKind.CONFIG),
        ("book/.draftforge/config.yaml", FileKind.CONFIG),
        (".draftforge/stats.json", FileKind.STATS),
        (".draftforge/agent-runs/2025-10-29_14-30-00_style_pr-1.json", FileKind.AGENT_RUN),
        ("manuscript/metadata.yml", FileKind.METADATA),
        ("metadata.yaml", FileKind.METADATA),
        ("config.yml", None),
        (".draftforge/agent-runs/notes.txt", None),
        ("chapters/01.md", None),
    ],
)
def test_kind_of(path: str, kind: FileKind | None) -> None:
    assert kind_of(Path(path)) is kind


# ---------------------------------------------------------------------------- projects


def make_project(root: Path, *, config: str | None = None) -> Path:
    """A small valid project: config, a chapter, metadata, stats, one agent run."""
    (root / ".draftforge" / "agent-runs").mkdir(parents=True)
    (root / "chapters").mkdir()
    (root / "manuscript").mkdir()
    (root / ".draftforge" / "config.yml").write_text(
        config
        if config is not None
        else 'version: "1.0"\nproject:\n  name: "My Novel"\n  type: novel\n',
        encoding="utf-8",
    )
    (root / "chapters" / "05-chapter-five.md").write_text(
        "".join(f"Line {n}.\n" for n in range(1, 51)), encoding="utf-8"
    )
    (root / "manuscript" / "metadata.yml").write_text("title: My Novel\n", encoding="utf-8")
    shutil.copy(
        CASES / "stats.schema.json" / "valid" / "stats.json", root / ".draftforge" / "stats.json"
    )
    shutil.copy(PRODUCT_RUN, root / ".draftforge" / "agent-runs" / PRODUCT_RUN.name)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "novel")


def test_project_files_in_order(project: Path) -> None:
    assert [(p.relative_to(project).as_posix(), k) for p, k in project_files(project)] == [
        (".draftforge/config.yml", FileKind.CONFIG),
        ("manuscript/metadata.yml", FileKind.METADATA),
        (".draftforge/stats.json", FileKind.STATS),
        (f".draftforge/agent-runs/{PRODUCT_RUN.name}", FileKind.AGENT_RUN),
    ]


def test_a_valid_project(project: Path) -> None:
    result = validate_paths([project], base=project)
    assert [f.display for f in result.files] == [
        ".draftforge/config.yml",
        "manuscript/metadata.yml",
        ".draftforge/stats.json",
        f".draftforge/agent-runs/{PRODUCT_RUN.name}",
    ]
    assert result.problems == []
    assert not result.failed(strict=True)


def test_the_metadata_file_follows_the_configured_manuscript_folder(tmp_path: Path) -> None:
    root = make_project(
        tmp_path / "p",
        config="structure:\n  manuscript_directory: book\n  chapters_directory: chapters\n",
    )
    (root / "book").mkdir()
    (root / "book" / "metadata.yml").write_text("subtitle: x\n", encoding="utf-8")
    result = validate_paths([root], base=root)
    assert "book/metadata.yml" in [f.display for f in result.files]
    assert "manuscript/metadata.yml" not in [f.display for f in result.files]
    [problem] = result.errors
    assert (problem.file, problem.message) == ("book/metadata.yml", "missing required key `title`")


def test_missing_folders(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", config="structure:\n  chapters_directory: text\n")
    shutil.rmtree(root / "manuscript")
    result = validate_paths([root / ".draftforge" / "config.yml"], base=root)
    assert [(p.severity, p.line, p.column, p.path, p.message) for p in result.problems] == [
        (  # not in the file: located at the nearest key that is, `structure`
            "warning",
            2,
            3,
            "$.structure.manuscript_directory",
            "the manuscript folder `manuscript` does not exist",
        ),
        (
            "error",
            2,
            23,
            "$.structure.chapters_directory",
            "the chapters folder `text` does not exist",
        ),
    ]
    assert (
        result.problems[1].hint == "create the folder `text` or fix `structure.chapters_directory`"
    )


def test_agent_run_issue_files_and_lines_are_warnings(project: Path) -> None:
    run = project / ".draftforge" / "agent-runs" / PRODUCT_RUN.name
    data = json.loads(run.read_text(encoding="utf-8"))
    data["issues"][0]["line"] = 51
    data["issues"].append({"severity": "info", "message": "gone", "file": "chapters/99.md"})
    run.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = validate_paths([project], base=project)
    assert [(p.severity, p.line, p.path, p.message) for p in result.problems] == [
        (
            "warning",
            16,
            "$.issues[0].line",
            "`chapters/05-chapter-five.md` has 50 lines, so there is no line 51",
        ),
        ("warning", 24, "$.issues[1].file", "`chapters/99.md` does not exist"),
    ]
    assert not result.failed()
    assert result.failed(strict=True)


def test_an_issue_file_that_is_a_folder(project: Path) -> None:
    run = project / ".draftforge" / "agent-runs" / PRODUCT_RUN.name
    data = json.loads(run.read_text(encoding="utf-8"))
    data["issues"] = [{"severity": "info", "message": "m", "file": "chapters", "line": 2}]
    run.write_text(json.dumps(data, indent=2), encoding="utf-8")
    [problem] = validate_paths([project], base=project).problems
    assert (problem.severity, problem.path) == ("warning", "$.issues[0].file")
    assert problem.message == "`chapters` is a folder, not a file"


@pytest.mark.parametrize("as_file", [False, True], ids=["project", "file"])
def test_a_cover_image_outside_the_project(project: Path, as_file: bool) -> None:
    """It would not be committed with the book: the build in CI could not find it."""
    (project.parent / "cover.jpg").write_bytes(b"jpeg")
    metadata = project / "manuscript" / "metadata.yml"
    metadata.write_text("title: T\ncover_image: ../../cover.jpg\n", encoding="utf-8")
    [problem] = validate_paths([metadata if as_file else project], base=project).problems
    assert (problem.line, problem.column, problem.path) == (2, 14, "$.cover_image")
    assert problem.message == "the cover image `../../cover.jpg` is outside the project folder"
    assert problem.hint == (
        "keep it inside the project (such as assets/cover.jpg) so that it is committed "
        "with the book"
    )
    (project / "assets").mkdir()
    (project / "assets" / "cover.jpg").write_bytes(b"jpeg")
    metadata.write_text("title: T\ncover_image: ../assets/cover.jpg\n", encoding="utf-8")
    assert validate_paths([project], base=project).problems == []


def test_a_config_yaml_is_checked_but_says_it_is_not_read(project: Path) -> None:
    """`draftforge stats` reads only config.yml: the settings in config.yaml do nothing."""
    config = project / ".draftforge" / "config.yml"
    config.rename(config.with_suffix(".yaml"))
    [problem] = validate_paths([project], base=project).problems
    assert (problem.file, problem.severity, problem.line) == (
        ".draftforge/config.yaml",
        "warning",
        1,
    )
    assert problem.message == "DraftForge reads `.draftforge/config.yml`: this file is ignored"
    assert problem.hint == "rename it to `config.yml`"


def test_every_problem_in_every_file(project: Path) -> None:
    (project / ".draftforge" / "config.yml").write_text(
        "project:\n  type: novell\n  target_word_count: -5\nstructure:\n  chapter_dir: x\n",
        encoding="utf-8",
    )
    (project / "manuscript" / "metadata.yml").write_text(
        "title: T\npublishing:\n  isbn: 978-0-123456-78-9\n", encoding="utf-8"
    )
    result = validate_paths([project], base=project)
    assert [str(p) for p in result.problems] == [
        ".draftforge/config.yml:2:9: $.project.type: `novell` is not a project type "
        "(did you mean `novel`? allowed: novel, screenplay, technical-book, non-fiction, "
        "poetry, short-story)",
        ".draftforge/config.yml:3:22: $.project.target_word_count: must be at least 1, got -5",
        ".draftforge/config.yml:5:3: $.structure.chapter_dir: unknown key `chapter_dir` "
        "(did you mean `chapters_directory`?)",
        "manuscript/metadata.yml:3:9: $.publishing.isbn: `978-0-123456-78-9` has a wrong "
        "check digit: expected 6, got 9 (check the number for a typo: the last digit is "
        "computed from the others)",
    ]


def test_syntax_errors_and_duplicates(project: Path) -> None:
    (project / ".draftforge" / "config.yml").write_text(
        "project:\n  name: a\n  name: b\nstats: {daily_goal: 1, daily_goal: 2}\n",
        encoding="utf-8",
    )
    (project / ".draftforge" / "stats.json").write_text('{\n  "version": "1.0.0",\n}\n')
    (project / "manuscript" / "metadata.yml").write_text("title: [unclosed\n")
    result = validate_paths([project], base=project)
    assert [(p.file, p.line, p.column) for p in result.problems] == [
        (".draftforge/config.yml", 3, 3),
        (".draftforge/config.yml", 4, 24),
        ("manuscript/metadata.yml", 2, 1),
        (".draftforge/stats.json", 2, 21),  # the comma after the last item
    ]
    assert result.problems[0].message == "duplicate key `name` (first at line 2)"
    assert result.problems[1].message == "duplicate key `daily_goal` (first at line 4)"
    assert all("Traceback" not in str(p) for p in result.problems)


def test_unreadable_bytes(project: Path) -> None:
    (project / "manuscript" / "metadata.yml").write_bytes(b"title: caf\xe9\n")
    [problem] = validate_paths([project], base=project).problems
    assert (problem.line, problem.column) == (1, 11)
    assert problem.message == "byte 10 (0xe9) is not valid UTF-8"


def test_a_folder_with_nothing_to_validate(tmp_path: Path) -> None:
    result = validate_paths([tmp_path], base=tmp_path)
    [problem] = result.problems
    assert problem.message == "no DraftForge files to validate here"
    assert result.failed()


def test_the_report_names_a_folder_with_nothing_to_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run("notes")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "notes"
    assert lines[1].split()[:2] == ["-", "error"]
    assert lines[-1] == "Failed: 1 error, no DraftForge file found."
    problem = json.loads(run("notes", "--format", "json").output)["problems"][0]
    assert (problem["file"], problem["message"]) == (
        "notes",
        "no DraftForge files to validate here",
    )


def test_the_project_root_is_found_from_a_subfolder(project: Path) -> None:
    assert project_folder(project / "chapters") == project
    assert project_folder(project) == project


def test_an_unknown_file_kind_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "notes.yml"
    other.write_text("a: 1\n", encoding="utf-8")
    with pytest.raises(UnknownFileKindError, match="cannot tell what kind"):
        validate_paths([other])


# ---------------------------------------------------------------------------- reporters


def _sample_result() -> ValidationResult:
    result = ValidationResult()
    from draftforge_stats.validation import FileResult

    result.files.append(
        FileResult(
            path=Path("c.yml"),
            display=".draftforge/config.yml",
            kind=FileKind.CONFIG,
            problems=[
                Problem(
                    ".draftforge/config.yml",
                    "`novell` is not a project type",
                    4,
                    9,
                    "$.project.type",
                    "allowed: novel, screenplay",
                ),
                Problem(".draftforge/config.yml", "50%,\nodd", 5, 1, severity="warning"),
            ],
        )
    )
    return result


def test_github_commands_are_escaped() -> None:
    [error, warning] = _sample_result().problems
    assert github_command(error) == (
        "::error file=.draftforge/config.yml,line=4,col=9,"
        "title=draftforge validate%3A $.project.type::`novell` is not a project type"
        "%0Ahint: allowed: novel, screenplay"
    )
    assert github_command(warning) == (
        "::warning file=.draftforge/config.yml,line=5,col=1,title=draftforge validate%3A $"
        "::50%25,%0Aodd"
    )


def test_json_report_shape() -> None:
    data = json.loads(json_report(_sample_result()))
    assert data["valid"] is False
    assert (data["errors"], data["warnings"]) == (1, 1)
    assert data["files"] == [
        {"file": ".draftforge/config.yml", "kind": "config", "errors": 1, "warnings": 1}
    ]
    assert data["problems"][0] == {
        "file": ".draftforge/config.yml",
        "line": 4,
        "column": 9,
        "path": "$.project.type",
        "severity": "error",
        "message": "`novell` is not a project type",
        "hint": "allowed: novel, screenplay",
    }


def test_summary_line() -> None:
    assert summary_line(_sample_result()) == (
        "Failed: 1 error and 1 warning in 1 of 1 file checked."
    )
    assert summary_line(ValidationResult()) == "Nothing checked."


# ---------------------------------------------------------------------------- the command


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(validate, list(args), env=env, catch_exceptions=False)


def test_cli_text_report_is_grouped_by_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    (project / ".draftforge" / "config.yml").write_text("project:\n  type: novell\n")
    result = run()
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == ".draftforge/config.yml  1 error"
    assert lines[1].split() == [
        "2:9",
        "error",
        "$.project.type:",
        "`novell`",
        "is",
        "not",
        "a",
        "project",
        "type",
    ]
    assert lines[2].strip().startswith("hint: did you mean `novel`?")
    assert "manuscript/metadata.yml  ok" in lines
    assert lines[-1] == "Failed: 1 error in 1 of 4 files checked."


def test_cli_exit_codes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    ok = run()
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[-1] == "All good: 4 files checked, no problems."
    assert run("does-not-exist").exit_code == 2
    assert run("--format", "xml").exit_code == 2
    (project / "notes.yml").write_text("a: 1\n")
    unknown = run("notes.yml")
    assert unknown.exit_code == 2
    assert "cannot tell what kind of DraftForge file" in unknown.output


def test_cli_strict_fails_on_warnings(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    shutil.rmtree(project / "manuscript")
    assert run().exit_code == 0
    strict = run("--strict")
    assert strict.exit_code == 1
    assert "(--strict: warnings fail)" in strict.output


def test_cli_file_arguments(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project / "chapters")
    result = run("--format", "json", "../manuscript/metadata.yml", "../.draftforge/stats.json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [f["file"] for f in data["files"]] == [
        "../manuscript/metadata.yml",
        "../.draftforge/stats.json",
    ]


def test_cli_json_format(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    (project / ".draftforge" / "config.yml").write_text("project: {target_word_count: '80k'}\n")
    result = run("--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["valid"] is False
    assert data["problems"] == [
        {
            "file": ".draftforge/config.yml",
            "line": 1,
            "column": 30,
            "path": "$.project.target_word_count",
            "severity": "error",
            "message": "expected a whole number, got a string (`'80k'`)",
            "hint": "write the number in full: 80000",
        }
    ]


def test_cli_github_format_is_automatic_in_actions(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    (project / "manuscript" / "metadata.yml").write_text("title: x\nsubtitle: ''\n")
    result = run(env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "::error file=manuscript/metadata.yml,line=2,col=11,"
        "title=draftforge validate%3A $.subtitle::must not be empty",
        "Failed: 1 error in 1 of 4 files checked.",
    ]
    assert default_format({"GITHUB_ACTIONS": "true"}) == "github"
    assert default_format({}) == "text"
    text = run("--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert not text.output.startswith("::")


# ---------------------------------------------------------------------------- pre-commit


def test_pre_commit_accepts_the_hooks_manifest() -> None:
    manifest = REPO / ".pre-commit-hooks.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(manifest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    from draftforge_stats.validation.documents import load_yaml

    hooks = {hook["id"]: hook for hook in load_yaml(manifest.read_text(), "m").data}
    assert hooks["draftforge-validate"]["entry"] == "draftforge validate"
    assert hooks["draftforge-stats-check"]["entry"] == "draftforge stats --check"
    assert all(hook["language"] == "python" for hook in hooks.values())


def test_the_project_root_stops_at_the_top_of_the_work_tree(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "deep" / "er").mkdir(parents=True)
    assert project_folder(tmp_path / "repo" / "deep" / "er") == tmp_path / "repo"
    assert project_folder(tmp_path) == tmp_path
