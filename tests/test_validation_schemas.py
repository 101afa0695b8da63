"""The shipped schemas: valid against the metaschema, and plain problems with positions.

Every folder ``tests/data/schema_cases/<schema>/valid`` holds files that must have no
problem; every ``invalid/<case>.<ext>`` has a ``<case>.expected`` listing, one a line,
the problems expected (``line:column: $.path: message (hint)``), in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from draftforge_stats.errors import Problem
from draftforge_stats.validation.documents import Document, load_text
from draftforge_stats.validation.messages import schema_problems
from draftforge_stats.validation.schemas import SCHEMA_NAMES, load_schema, schema_text

CASES = Path(__file__).parent / "data" / "schema_cases"


def _case_files(kind: str) -> Sequence[object]:  # pytest.ParameterSet is public from 9.2 only
    params = []
    for schema_dir in sorted(CASES.iterdir()):
        for path in sorted((schema_dir / kind).glob("*")):
            if path.suffix in {".yml", ".yaml", ".json"}:
                params.append(
                    pytest.param(schema_dir.name, path, id=f"{schema_dir.name}/{path.name}")
                )
    return params


def _load(path: Path) -> Document:
    return load_text(path.read_text(encoding="utf-8"), path.name)


def _render(problem: Problem) -> str:
    return str(problem).removeprefix(f"{problem.file}:")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_2020_12(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("https://schemas.draftforge.dev/")
    assert schema["$id"].endswith(name)
    assert schema["title"]
    assert schema["description"]


def _property_schemas(node: object, where: str = "$") -> list[tuple[str, dict[str, object]]]:
    found: list[tuple[str, dict[str, object]]] = []
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            found.append((f"{where}.{name}", sub))
            found.extend(_property_schemas(sub, f"{where}.{name}"))
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                found.extend(_property_schemas(node[key], f"{where}[]"))
        for name, sub in (node.get("$defs") or {}).items():
            found.extend(_property_schemas(sub, f"#/$defs/{name}"))
    return found


def _resolved(schema: dict[str, Any], sub: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with the words of the local definition it points to."""
    ref = sub.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return sub
    return {**schema["$defs"][ref.removeprefix("#/$defs/")], **sub}


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_is_described_and_closed(name: str) -> None:
    """Editors show the descriptions; unknown keys are refused wherever the format is fixed."""
    schema = load_schema(name)
    for where, sub in _property_schemas(schema):
        full = _resolved(schema, sub)
        assert full.get("description"), f"{name}: {where} has no description"
        if full.get("type") == "object" and "propertyNames" not in full:
            # Closed, unless it is a map whose keys are checked (`stats.chapter_targets`).
            assert full.get("additionalProperties") is False, f"{name}: {where} is open"
    assert schema.get("additionalProperties") is False


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_has_a_title_and_the_schema_examples(name: str) -> None:
    schema = load_schema(name)
    for where, sub in _property_schemas(schema):
        assert _resolved(schema, sub).get("title"), f"{name}: {where} has no title"
    assert schema.get("examples"), f"{name} has no examples"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_examples_in_the_schema_are_valid(name: str) -> None:
    schema = load_schema(name)
    for example in schema.get("examples", []):
        doc = Document(file="example", data=example)
        assert schema_problems(doc, name) == []


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_a_shipped_schema_reads_as_a_writer_s_file_would(name: str) -> None:
    """Shipped schemas are read without positions or checks: each must read exactly as
    the checked loader reads it (no duplicate key, nothing too deep or too large)."""
    assert load_schema(name) == load_text(schema_text(name), name).data


def test_load_schema_is_cached_and_text_is_verbatim() -> None:
    assert load_schema("config.schema.yml") is load_schema("config.schema.yml")
    assert schema_text("config.schema.yml").startswith("# JSON Schema")
    with pytest.raises(ValueError, match="unknown schema"):
        schema_text("nope.json")


@pytest.mark.parametrize(("schema", "path"), _case_files("valid"))
def test_valid_cases(schema: str, path: Path) -> None:
    assert [_render(p) for p in schema_problems(_load(path), schema)] == []


@pytest.mark.parametrize(("schema", "path"), _case_files("invalid"))
def test_invalid_cases(schema: str, path: Path) -> None:
    expected_file = path.with_suffix(".expected")
    expected = [line for line in expected_file.read_text(encoding="utf-8").splitlines() if line]
    problems = schema_problems(_load(path), schema)
    assert [_render(p) for p in problems] == expected
    assert all(p.file == path.name and p.severity == "error" for p in problems)


def _config_problems(text: str) -> list[Problem]:
    return schema_problems(load_text(text, ".draftforge/config.yml"), "config.schema.yml")


class TestMessages:
    def test_enum_names_the_kind_and_lists_the_values(self) -> None:
        [problem] = _config_problems("project:\n  type: novell\n")
        assert problem.message == "`novell` is not a project type"
        assert problem.hint == (
            "did you mean `novel`? allowed: novel, screenplay, technical-book, non-fiction, "
            "poetry, short-story"
        )
        assert (problem.line, problem.column, problem.path) == (2, 9, "$.project.type")

    def test_unknown_key_is_located_at_the_key(self) -> None:
        [problem] = _config_problems("structure:\n  chapter_dir: chapters\n")
        assert problem.message == "unknown key `chapter_dir`"
        assert problem.hint == "did you mean `chapters_directory`?"
        assert (problem.line, problem.column, problem.path) == (2, 3, "$.structure.chapter_dir")

    def test_unknown_key_with_no_close_match_lists_the_allowed_keys(self) -> None:
        [problem] = _config_problems("github_actions:\n  deploy: true\n")
        assert problem.hint == "allowed keys: stats_enabled, compile_enabled, ai_review_enabled"

    def test_wrong_type(self) -> None:
        [problem] = _config_problems("project:\n  target_word_count: '80k'\n")
        assert problem.message == "expected a whole number, got a string (`'80k'`)"
        [problem] = _config_problems("project:\n  target_word_count: '80,000'\n")
        assert problem.hint == "write the number without quotes or separators: 80000"

    def test_minimum(self) -> None:
        [problem] = _config_problems("project:\n  target_word_count: -5\n")
        assert problem.message == "must be at least 1, got -5"

    def test_every_problem_is_reported_in_source_order(self) -> None:
        problems = _config_problems(
            "stats:\n  daily_goal: 0\nproject:\n  type: x\n  target_word_count: y\n"
        )
        assert [(p.line, p.path) for p in problems] == [
            (2, "$.stats.daily_goal"),
            (4, "$.project.type"),
            (5, "$.project.target_word_count"),
        ]

    def test_json_documents_say_object(self) -> None:
        doc = load_text(
            '{"run_id": "x", "agent_type": "style", "trigger": "pr",'
            ' "timestamp": "2025-10-29T14:30:00Z", "status": "completed",'
            ' "stats": []}',
            "run.json",
        )
        [problem] = schema_problems(doc, "agent-run.schema.json")
        assert problem.message == "expected an object, got a list"
        assert (problem.line, problem.column) == (1, 126)

    def test_formats_are_checked(self) -> None:
        doc = load_text(
            '{"run_id": "x", "agent_type": "style", "trigger": "pr",\n'
            ' "timestamp": "2025-10-29 14:30", "status": "completed"}',
            "run.json",
        )
        [problem] = schema_problems(doc, "agent-run.schema.json")
        assert problem.message == "`2025-10-29 14:30` is not a valid date and time"
        assert problem.hint == "write it as RFC 3339 with a time zone, like 2025-10-29T14:30:00Z"
        assert (problem.line, problem.column) == (2, 15)

    def test_missing_required_key(self) -> None:
        doc = load_text("subtitle: A Novel\n", "metadata.yml")
        [problem] = schema_problems(doc, "metadata.schema.yml")
        assert problem.message == "missing required key `title`"
        assert problem.hint == "Title of the book, as printed on the cover."

    def test_empty_file(self) -> None:
        assert _config_problems("") == []
        [problem] = schema_problems(load_text("", "metadata.yml"), "metadata.schema.yml")
        assert (problem.message, problem.line) == ("the file is empty", 1)
        [problem] = schema_problems(load_text("", "run.json"), "agent-run.schema.json")
        assert problem.message == "the file is empty"

    def test_quoted_boolean(self) -> None:
        [problem] = _config_problems("compilation:\n  include_cover: 'yes'\n")
        assert problem.hint == "write true or false, without quotes"

    def test_unquoted_version_number(self) -> None:
        [problem] = _config_problems("version: 1.0\n")
        assert problem.message == "expected a string, got a decimal number (`1.0`)"
        assert problem.hint == 'put it in quotes: "1.0"'


def test_yaml_dates_and_timestamps_are_named() -> None:
    problems = schema_problems(
        load_text("title: 2025-10-29\nsubtitle: 2025-10-29 10:00:00\n", "metadata.yml"),
        "metadata.schema.yml",
    )
    assert [(p.message, p.hint) for p in problems] == [
        ("expected a string, got a date (`2025-10-29`)", 'put it in quotes: "2025-10-29"'),
        (  # quoted as written, not as Python writes the datetime it became
            "expected a string, got a date and time (`2025-10-29 10:00:00`)",
            'put it in quotes: "2025-10-29 10:00:00"',
        ),
    ]


@pytest.mark.parametrize(
    ("line", "message", "hint"),
    [
        # Norwegian: YAML 1.1 reads `no` as false; quoting "false" would not help.
        ("language: no", "expected a string, got a boolean (`no`)", 'put it in quotes: "no"'),
        (
            "name: 0x1F",
            "expected a string, got a whole number (`0x1F`)",
            'put it in quotes: "0x1F"',
        ),
        (
            "genre: 1.10",
            "expected a string, got a decimal number (`1.10`)",
            'put it in quotes: "1.10"',
        ),
    ],
)
def test_yaml_values_are_shown_as_written(line: str, message: str, hint: str) -> None:
    [problem] = _config_problems(f"project:\n  {line}\n")
    assert (problem.message, problem.hint) == (message, hint)


def test_json_numbers_are_shown_as_written() -> None:
    doc = load_text('{"current": {"word_count": 1e999}}', "x.json")
    problems = schema_problems(doc, "stats.schema.json")
    [problem] = [p for p in problems if p.path == "$.current.word_count"]
    assert problem.message == "expected a whole number, got a decimal number (`1e999`)"


def test_one_problem_for_a_value_of_the_wrong_type() -> None:
    """`type: Yes` is a boolean: saying so is enough, without "`true` is not a project type"."""
    [problem] = _config_problems("project:\n  type: Yes\n")
    assert problem.message == "expected a string, got a boolean (`Yes`)"
    assert problem.hint == 'put it in quotes: "Yes"'
    [problem] = _config_problems("project:\n  type: 3\n")
    assert problem.message == "expected a string, got a whole number (`3`)"
