"""The stats schema's check without jsonschema gives jsonschema's answer or none: every
variant of a real stats file (each value replaced by each kind of JSON value, each key
removed, an unknown key added) is checked both ways."""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from draftforge_stats.validation.documents import load_yaml
from draftforge_stats.validation.fastcheck import surely_valid
from draftforge_stats.validation.schemas import load_schema, validator_for

GOLDEN = Path(__file__).parent / "data" / "golden_stats.json"
SCHEMA = "stats.schema.json"
#: One value of each kind, and the edge values the stats schema has rules for.
REPLACEMENTS: tuple[Any, ...] = (
    None, True, False, 0, -1, 3, 2.0, 2.5, "", "x", "2025-02-30", "2025-03-01",
    "2025-03-01T10:00:00Z", "novel", "1.1.0", "0" * 40, [], [1], {}, {"a": 1},
)  # fmt: skip


def _paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data[:2]):
            yield from _paths(value, (*path, index))


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    variant = copy.deepcopy(data)
    parent = variant
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return variant


def _variants(data: Any, replacements: tuple[Any, ...] = REPLACEMENTS) -> Iterator[Any]:
    for path in _paths(data):
        if not path:
            continue
        for value in replacements:
            yield _replaced(data, path, value)
        variant = copy.deepcopy(data)
        parent = variant
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict):
            del parent[path[-1]]
            yield variant
            parent["unknown_key"] = 1
            yield variant


def _assert_jsonschema_s_answers(variants: Iterator[Any], name: str, at_least: int) -> None:
    """Every variant gets jsonschema's answer, some valid and some not."""
    schema = load_schema(name)
    validator = validator_for(name)
    answers = [
        (surely_valid(v, schema), not any(True for _ in validator.iter_errors(v))) for v in variants
    ]

    disagreements = [i for i, (fast, slow) in enumerate(answers) if fast != slow]
    assert disagreements == []
    valid = sum(1 for _, slow in answers if slow)
    assert 0 < valid < len(answers)  # both answers are tried
    assert len(answers) > at_least


def _jsonschema_valid(data: Any) -> bool:
    return not any(True for _ in validator_for(SCHEMA).iter_errors(data))


def test_a_real_stats_file_is_surely_valid() -> None:
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))

    assert surely_valid(data, load_schema(SCHEMA)) is True
    assert _jsonschema_valid(data)


def test_every_variant_gets_jsonschema_s_answer() -> None:
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))

    _assert_jsonschema_s_answers(_variants(data), SCHEMA, at_least=1000)


@pytest.mark.parametrize(
    ("schema", "data"),
    [
        ({"type": "object", "unknownKeyword": 1}, {}),  # a keyword it does not know
        ({"$ref": "other.json#/x"}, 1),  # a reference out of the schema
        ({"type": "array"}, (1, 2)),  # not plain JSON data
        ({"format": "hostname"}, "example.com"),  # a format it does not check
        ({"items": [{"type": "integer"}]}, [1]),  # an old form of `items`
    ],
)
def test_what_it_cannot_decide_is_never_called_valid(schema: dict[str, Any], data: Any) -> None:
    assert surely_valid(data, schema) is False


def test_json_equality_tells_true_from_one() -> None:
    assert surely_valid(1, {"enum": [1]}) is True
    assert surely_valid(1.0, {"const": 1}) is True
    assert surely_valid(True, {"enum": [1]}) is False
    assert surely_valid(2.0, {"type": "integer"}) is True
    assert surely_valid(2.5, {"type": "integer"}) is False


#: A config with every section, read by YAML as an author writes it: the deadline and a
#: stats key unquoted (a YAML date), lists, nested mappings, chapter targets by path.
FULL_CONFIG = """\
version: "1.0"
project: {name: The Long Road, type: novel, genre: fantasy, language: pt-BR, target_word_count: 90000}
structure: {chapters_directory: chapters, manuscript_directory: manuscript, assets_directory: assets}
agents:
  continuity: {enabled: true, trigger: pr, model: m, context_window: 50, auto_comment: true,
               checks: [tense_consistency, pov_shifts]}
  style: {enabled: false}
compilation: {pandoc_template: default, include_cover: true, auto_build_on_tag: false, formats: [epub, pdf]}
github_actions: {stats_enabled: true, compile_enabled: false, ai_review_enabled: false}
stats:
  timezone: Europe/Paris
  day_starts_at: 4
  daily_goal: 500
  include: ["chapters/**/*.md"]
  exclude: ["chapters/drafts/**"]
  count_code_blocks: false
  deadline: 2026-12-31
  writing_days: [monday, tuesday, friday]
  chapter_targets: {chapters/01-one.md: 3000, chapters/02-two.md: 4000}
  images: true
  badge: false
"""
CONFIG_REPLACEMENTS: tuple[Any, ...] = (
    *REPLACEMENTS, datetime.date(2026, 3, 31), "pr", "monday", [1, 1], ["a", "a"],
    [True, 1], [1, 1.0], ["epub"], "chapters/x.md", "../x.md", "x" * 201, 100000001,
)  # fmt: skip


def _config_variants(data: Any) -> Iterator[Any]:
    yield from _variants(data, CONFIG_REPLACEMENTS)
    targets = copy.deepcopy(data)
    targets["stats"]["chapter_targets"]["/abs.md"] = 1  # a key its propertyNames refuses
    yield targets
    odd_key = copy.deepcopy(data)
    odd_key["stats"]["chapter_targets"][7] = 1  # a key that is not a string
    yield odd_key


def test_every_variant_of_a_config_gets_jsonschema_s_answer() -> None:
    """A push update of a project with a config checks it without jsonschema: the answer
    must be jsonschema's on every variant, the unquoted dates YAML makes included."""
    data = load_yaml(FULL_CONFIG, "config.yml").data
    assert isinstance(data["stats"]["deadline"], datetime.date)
    assert surely_valid(data, load_schema("config.schema.yml")) is True

    _assert_jsonschema_s_answers(_config_variants(data), "config.schema.yml", at_least=1500)


@pytest.mark.parametrize(
    ("schema", "data", "answer"),
    [
        ({"uniqueItems": True}, [1, 2, "1"], True),
        ({"uniqueItems": True}, [1, 1.0], False),  # equal numbers
        ({"uniqueItems": True}, [True, 1], True),  # a boolean is not a number
        ({"uniqueItems": True}, [[1], [1]], False),  # not scalars: not sure
        ({"minItems": 1}, [], False),
        ({"maxLength": 2}, "abc", False),
        ({"maxLength": 2}, "ab", True),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, 3, True),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, 3.5, False),
        ({"not": {"type": "string"}}, "x", False),
        ({"not": {"type": ["string", "number", "boolean", "array", "object", "null"]}},
         datetime.date(2026, 1, 1), True),  # a YAML date is none of the JSON types
        ({"not": {"format": "hostname"}}, "x", False),  # unsure inside `not`: not sure
        ({"propertyNames": {"pattern": "^a"}}, {"ab": 1, "b": 2}, False),
        # A key that is not a string (YAML's `1:`): as jsonschema, a key like another.
        ({"type": "object"}, {1: 2}, True),
        ({"additionalProperties": False}, {1: 2}, False),
        ({"propertyNames": {"type": "string"}}, {1: 2}, False),
    ],
)  # fmt: skip
def test_the_config_schema_s_keywords(schema: dict[str, Any], data: Any, answer: bool) -> None:
    assert surely_valid(data, schema) is answer
