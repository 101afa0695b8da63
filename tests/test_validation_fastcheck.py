"""The stats schema's check without jsonschema gives jsonschema's answer or none: every
variant of a real stats file (each value replaced by each kind of JSON value, each key
removed, an unknown key added) is checked both ways."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from draftforge_stats.statsfile.fastcheck import surely_valid
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


def _variants(data: Any) -> Iterator[Any]:
    for path in _paths(data):
        if not path:
            continue
        for value in REPLACEMENTS:
            variant = copy.deepcopy(data)
            parent = variant
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = value
            yield variant
        variant = copy.deepcopy(data)
        parent = variant
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict):
            del parent[path[-1]]
            yield variant
            parent["unknown_key"] = 1
            yield variant


def _jsonschema_valid(data: Any) -> bool:
    return not any(True for _ in validator_for(SCHEMA).iter_errors(data))


def test_a_real_stats_file_is_surely_valid() -> None:
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))

    assert surely_valid(data, load_schema(SCHEMA)) is True
    assert _jsonschema_valid(data)


def test_every_variant_gets_jsonschema_s_answer() -> None:
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    schema = load_schema(SCHEMA)
    answers = [(surely_valid(v, schema), _jsonschema_valid(v)) for v in _variants(data)]

    disagreements = [i for i, (fast, slow) in enumerate(answers) if fast != slow]
    assert disagreements == []
    valid = sum(1 for _, slow in answers if slow)
    assert 0 < valid < len(answers)  # both answers are tried
    assert len(answers) > 1000


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
